/** The Run diff tab: two runs' top k for one query, movements, relevance labels, judging the unjudged. */
import type { DiffEntry, RunDiffView } from '../../src/core/views/protocol';
import { send } from './bridge';
import { badge, button, clear, fmt, h, highlighted, select, textfield } from './dom';
import { panels, say, showTab } from './shell';
import { persist, PoolSource, runs, state, TAB } from './state';

export let diff: RunDiffView | undefined;

export function setDiff(v: RunDiffView | undefined): void {
  diff = v;
}

export function openDiff(qid: string, runA: string, runB: string): void {
  state.diff = { qid, runA, runB, k: state.diff?.k ?? 10 };
  persist();
  showTab(TAB.diff);
  renderDiff();
  say(`Loading run diff for ${qid}…`);
  send({ type: 'requestRunDiff', ...state.diff });
}
const ARROW: Record<DiffEntry['movement'], { glyph: string; label: string }> = {
  up: { glyph: '↑', label: 'moved up' },
  down: { glyph: '↓', label: 'moved down' },
  same: { glyph: '=', label: 'same rank' },
  entered: { glyph: '⇢', label: 'entered the top k' },
  left: { glyph: '⇠', label: 'left the top k' },
  only: { glyph: '•', label: 'only here' },
};

export function relBadge(rel: number | null): HTMLElement {
  if (rel === null) return h('span', { class: 'rel unjudged', 'aria-label': 'unjudged' }, '?');
  return h('span', { class: `rel rel-${Math.max(0, Math.min(3, rel))}`, 'aria-label': `relevance ${rel}` }, String(rel));
}

function diffColumn(entries: readonly DiffEntry[], run: string, side: 'a' | 'b'): HTMLElement {
  const list = h('ol', { class: 'diff-list', 'aria-label': `Top ${diff?.k} of ${run}`, 'data-side': side });
  for (const e of entries) {
    const arrow = ARROW[e.movement];
    const change = e.otherRank !== null && (e.movement === 'up' || e.movement === 'down') ? ` ${Math.abs(e.otherRank - e.rank)}` : '';
    const li = h('li', {
      tabindex: 0,
      class: `diff-row ${e.rel === null ? 'is-unjudged' : ''} mv-${e.movement}`,
      'data-docid': e.docId,
      'aria-label': `Rank ${e.rank}, ${e.docId}, ${e.lang}, ${e.rel === null ? 'unjudged' : `relevance ${e.rel}`}, ${arrow.label}${change}${e.otherRank ? `, rank ${e.otherRank} in the other run` : ''}`,
    },
      h('div', { class: 'diff-head' },
        h('span', { class: 'rank' }, `#${e.rank}`),
        h('span', { class: `arrow mv-${e.movement}`, title: arrow.label }, arrow.glyph + change),
        relBadge(e.rel),
        h('span', { class: 'lang' }, e.lang),
        h('span', { class: 'docid', title: e.title ? `${e.title} — ${e.docId}` : e.docId }, e.title ? `${e.title} — ${e.docId}` : e.docId),
        h('span', { class: 'score muted' }, fmt(e.score, 3)),
        e.rel === null ? h('span', { class: 'unjudged-tag' }, 'unjudged · J to judge') : null),
      highlighted(e.snippet, e.highlights));
    li.addEventListener('dblclick', () => judgeFromDiff(e.docId));
    list.appendChild(li);
  }
  return list;
}

export function judgeFromDiff(focusDocId?: string): void {
  if (!diff || !state.diff) return;
  const source: PoolSource = { type: 'diff', runs: [state.diff.runA, state.diff.runB], qid: diff.qid, depth: diff.k, unjudgedOnly: true };
  state.pool = { source, cursor: 0, undo: state.pool?.undo ?? [] };
  persist();
  showTab(TAB.judge);
  say(`Loading unjudged documents of ${diff.qid}…`);
  send({ type: 'requestPool', source, ...(focusDocId ? { focusDocId } : {}) });
}

export function renderDiff(): void {
  const root = panels.diff;
  clear(root);
  const d = state.diff ?? { qid: '', runA: state.compare.baseline || runs[0]?.id || '', runB: state.compare.runs.find((r) => r !== state.compare.baseline) ?? runs[1]?.id ?? '', k: 10 };
  const opts = runs.map((r) => ({ value: r.id, label: r.name }));
  const form = h('div', { class: 'row controls', role: 'group', 'aria-label': 'Run diff settings' },
    textfield('Query id', d.qid, (v) => { d.qid = v.trim(); }, { id: 'diff-qid' }),
    select('Run A', opts, d.runA, (v) => { d.runA = v; }),
    select('Run B', opts, d.runB, (v) => { d.runB = v; }),
    textfield('Top k', String(d.k), (v) => { const n = Number(v); if (Number.isInteger(n) && n > 0) d.k = n; }, { type: 'number' }),
    button('Show', () => { if (d.qid) openDiff(d.qid, d.runA, d.runB); else say('Enter a query id.', 'error'); }));
  root.appendChild(form);
  const v = diff;
  if (!v || v.qid !== state.diff?.qid) return;
  root.appendChild(h('div', { class: 'query-head' },
    h('h2', {}, `${v.qid} `, h('span', { class: 'lang-badge' }, v.query.lang)),
    h('p', { class: 'query-text' }, v.query.text),
    h('div', { class: 'row' },
      badge(`${v.summary.entered} entered`, { variant: 'default' }), badge(`${v.summary.left} left`, { variant: 'default' }), badge(`${v.summary.moved} moved`, { variant: 'default' }),
      h('span', { class: v.summary.unjudged ? 'unjudged-tag' : 'muted' }, `${v.summary.unjudged} unjudged`),
      v.summary.unjudged ? button('Judge unjudged (J)', () => judgeFromDiff(), { id: 'judge-unjudged' }) : null),
    h('table', { class: 'grid compact', 'aria-label': 'Per-query metrics' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Measure'), h('th', { scope: 'col' }, v.runA), h('th', { scope: 'col' }, v.runB))),
      h('tbody', {}, ...v.metrics.map((m) => h('tr', {}, h('td', {}, m.measure), h('td', { class: 'num' }, fmt(m.a)), h('td', { class: 'num' }, fmt(m.b))))))));
  root.appendChild(h('div', { class: 'diff-cols' },
    h('div', { class: 'diff-col' }, h('h3', { title: v.runA }, `A: ${v.runA}`), diffColumn(v.a, v.runA, 'a')),
    h('div', { class: 'diff-col' }, h('h3', { title: v.runB }, `B: ${v.runB}`), diffColumn(v.b, v.runB, 'b'))));
  root.appendChild(h('p', { class: 'muted legend' }, '↑/↓ moved (by n ranks) · ⇢ entered the top k · ⇠ left the top k · ? unjudged. Keys: ↑/↓ move between rows, Enter or J judges the unjudged documents.'));
}
