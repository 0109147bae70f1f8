/** The Judge tab: pools, keyboard relevance judging with notes and undo, progress, agreement. */
import { AgreementView, GRADE_GUIDE, PoolView } from '../../src/core/views/protocol';
import { send } from './bridge';
import { append, button, clear, fmt, h, highlighted, textfield } from './dom';
import { relBadge } from './diff';
import { panels, say } from './shell';
import { persist, PoolSource, runs, state, TAB } from './state';

export let pool: PoolView | undefined;
export let agreement: AgreementView | undefined;
export let noteOpen = false;

export function setPool(v: PoolView | undefined): void {
  pool = v;
}

export function setAgreement(v: AgreementView | undefined): void {
  agreement = v;
}

export function currentItem() {
  return pool && state.pool ? pool.items[state.pool.cursor] : undefined;
}

function requestPoolFromRuns(): void {
  const chosen = state.compare.runs.length ? state.compare.runs : runs.slice(0, 2).map((r) => r.id);
  if (!chosen.length) return say('No runs to pool.', 'error');
  const source: PoolSource = { type: 'runs', runs: chosen, depth: state.poolDepth };
  state.pool = { source, cursor: 0, undo: state.pool?.undo ?? [] };
  persist();
  say('Building the pool…');
  send({ type: 'requestPool', source });
}

function requestPoolFromSearch(): void {
  if (!state.search.trim()) return say('Type a query first.', 'error');
  const source: PoolSource = { type: 'search', query: state.search.trim(), depth: state.poolDepth };
  state.pool = { source, cursor: 0, undo: state.pool?.undo ?? [] };
  persist();
  say('Searching…');
  send({ type: 'requestPool', source });
}

export function judge(grade: number): void {
  const it = currentItem();
  if (!pool || !state.pool || !it) return;
  state.pool.undo.push({ poolId: pool.poolId, qid: it.qid, docId: it.docId, previous: it.grade, ...(it.note ? { previousNote: it.note } : {}) });
  if (state.pool.undo.length > 200) state.pool.undo.shift();
  it.grade = grade;
  send({ type: 'judge', poolId: pool.poolId, qid: it.qid, docId: it.docId, grade, ...(it.note ? { note: it.note } : {}) });
  say(`Judged ${it.docId} for ${it.qid}: ${grade} (${GRADE_GUIDE[grade].label}).`);
  move(1, false);
}

export function undo(): void {
  if (!pool || !state.pool) return;
  const u = state.pool.undo.pop();
  if (!u || u.poolId !== pool.poolId) return say('Nothing to undo.');
  const idx = pool.items.findIndex((x) => x.qid === u.qid && x.docId === u.docId);
  if (idx < 0) return;
  const it = pool.items[idx];
  it.grade = u.previous;
  if (u.previousNote) it.note = u.previousNote;
  else delete it.note;
  if (u.previous === null) send({ type: 'unjudge', poolId: pool.poolId, qid: u.qid, docId: u.docId });
  else send({ type: 'judge', poolId: pool.poolId, qid: u.qid, docId: u.docId, grade: u.previous, ...(u.previousNote ? { note: u.previousNote } : {}) });
  state.pool.cursor = idx;
  persist();
  say(`Undone: ${u.docId} is ${u.previous === null ? 'unjudged' : `graded ${u.previous}`} again.`);
  renderJudge();
}

export function move(delta: number, announce = true): void {
  if (!pool || !state.pool) return;
  state.pool.cursor = Math.max(0, Math.min(pool.items.length - 1, state.pool.cursor + delta));
  persist();
  renderJudge();
  if (announce) {
    const it = currentItem();
    if (it) say(`Document ${state.pool.cursor + 1} of ${pool.items.length}: ${it.docId}`);
  }
}

export function openNote(): void {
  const it = currentItem();
  if (!it || !pool) return;
  noteOpen = true;
  renderJudge();
  const tf = document.getElementById('note-field') as (HTMLElement & { updateComplete?: Promise<unknown> }) | null;
  // The text field renders asynchronously; focus delegates to its input once it exists.
  void (tf?.updateComplete ?? Promise.resolve()).then(() => tf?.focus());
}

function saveNote(textValue: string): void {
  const it = currentItem();
  noteOpen = false;
  if (!it || !pool || !state.pool) return renderJudge();
  it.note = textValue.slice(0, 2000);
  if (it.grade === null) {
    say('Note kept; it is saved with the grade (press 0–3).');
  } else {
    send({ type: 'judge', poolId: pool.poolId, qid: it.qid, docId: it.docId, grade: it.grade, ...(it.note ? { note: it.note } : {}) });
    say('Note saved.');
  }
  renderJudge();
  document.getElementById('doc-card')?.focus();
}

function renderGuide(): HTMLElement {
  return h('aside', { class: 'guide', 'aria-label': 'Grading guide' },
    h('h3', {}, 'Grades'),
    h('dl', {}, ...GRADE_GUIDE.flatMap((g) => [h('dt', {}, h('kbd', {}, String(g.grade)), ` ${g.label}`), h('dd', {}, g.description)])),
    h('h3', {}, 'Keys'),
    h('ul', { class: 'keys' },
      h('li', {}, h('kbd', {}, '0'), '–', h('kbd', {}, '3'), ' grade and go to the next'),
      h('li', {}, h('kbd', {}, 'j'), ' / ', h('kbd', {}, '↓'), ' next, ', h('kbd', {}, 'k'), ' / ', h('kbd', {}, '↑'), ' previous'),
      h('li', {}, h('kbd', {}, 'u'), ' undo, ', h('kbd', {}, 'n'), ' note, ', h('kbd', {}, 'o'), ' open source')));
}

export function renderJudge(): void {
  const root = panels.judge;
  const hadFocus = root.contains(document.activeElement);
  clear(root);
  const sourceBar = h('div', { class: 'row controls', role: 'group', 'aria-label': 'Judging pool' },
    textfield('Pool depth', String(state.poolDepth), (v) => { const n = Number(v); if (Number.isInteger(n) && n > 0 && n <= 1000) { state.poolDepth = n; persist(); } }, { type: 'number', id: 'pool-depth' }),
    button('Pool selected runs', requestPoolFromRuns, { id: 'pool-runs', 'aria-label': 'Build a depth-k pool from the runs selected in Compare' }),
    textfield('Live search', state.search, (v) => { state.search = v; persist(); }, { id: 'pool-search' }),
    button('Pool search results', requestPoolFromSearch, { secondary: true }),
    button('Export qrels', () => send({ type: 'exportQrels' }), { secondary: true, id: 'export-qrels' }),
    button('Agreement', () => send({ type: 'requestAgreement' }), { secondary: true, id: 'agreement' }));
  root.appendChild(sourceBar);
  if (agreement) root.appendChild(renderAgreement(agreement));
  if (!pool || !state.pool) {
    root.appendChild(h('p', { class: 'muted' }, 'Build a pool from the top k of the runs chosen in Compare, from a live search, or press J on an unjudged document in a run diff.'));
    root.appendChild(renderGuide());
    return;
  }
  const items = pool.items;
  const judged = items.filter((x) => x.grade !== null).length;
  const it = currentItem();
  const q = it ? pool.queries.find((x) => x.qid === it.qid) : undefined;
  const perQuery = pool.queries.map((qq) => {
    const mine = items.filter((x) => x.qid === qq.qid);
    return { qid: qq.qid, n: mine.length, done: mine.filter((x) => x.grade !== null).length };
  });
  const progress = h('div', { class: 'progress', id: 'progress' },
    h('div', { class: 'row between' }, h('strong', {}, pool.description), h('span', { id: 'progress-text', 'aria-live': 'polite' }, `${judged} / ${items.length} judged`)),
    meter(judged, items.length),
    h('details', {}, h('summary', {}, `Per query (${perQuery.length})`),
      h('table', { class: 'grid compact', 'aria-label': 'Progress per query' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Query'), h('th', { scope: 'col' }, 'Judged'))),
        h('tbody', {}, ...perQuery.slice(0, 500).map((p) => h('tr', {}, h('td', {}, p.qid), h('td', { class: 'num' }, `${p.done} / ${p.n}`)))))));
  root.appendChild(progress);
  if (items.length === 0) {
    root.appendChild(h('p', {}, 'This pool is empty: nothing left to judge.'));
    return;
  }
  const layout = h('div', { class: 'judge-layout' });
  const main = h('div', { class: 'judge-main' });
  if (it) {
    const card = h('article', { class: 'doc-card', id: 'doc-card', tabindex: 0, 'aria-label': `Document ${state.pool.cursor + 1} of ${items.length}: ${it.docId}, language ${it.lang}, ${it.grade === null ? 'not judged' : `grade ${it.grade}`}` },
      h('div', { class: 'query-head' },
        h('div', { class: 'muted' }, `Query ${it.qid}`, ' ', h('span', { class: 'lang-badge', title: 'query language' }, q?.lang ?? 'und')),
        h('p', { class: 'query-text', id: 'query-text' }, q?.text ?? '')),
      h('div', { class: 'doc-meta row' },
        h('span', { class: 'lang-badge', title: 'document language' }, it.lang),
        h('span', { class: 'docid', id: 'doc-id' }, it.title ? `${it.title} — ${it.docId}` : it.docId),
        it.others ? h('span', { class: 'muted' }, `judged by ${it.others} other${it.others > 1 ? 's' : ''}`) : null,
        h('span', { class: `grade-now ${it.grade === null ? 'none' : `rel-${it.grade}`}`, id: 'grade-now' }, it.grade === null ? 'not judged' : `grade ${it.grade} · ${GRADE_GUIDE[it.grade].label}${it.imported ? ' (imported qrels; grade to re-judge)' : ''}`)),
      h('div', { class: 'doc-text', id: 'doc-text' }, highlighted(it.text, it.highlights, 'doc-body')),
      it.note && !noteOpen ? h('p', { class: 'note', id: 'note-text' }, `Note: ${it.note}`) : null);
    const grades = h('div', { class: 'row grades', role: 'group', 'aria-label': 'Grade this document' },
      ...GRADE_GUIDE.map((g) => button(`${g.grade} ${g.label}`, () => judge(g.grade), { 'aria-label': `Grade ${g.grade}: ${g.label}`, secondary: it.grade !== g.grade, 'data-grade': g.grade })));
    const nav = h('div', { class: 'row' },
      button('Previous (k)', () => move(-1), { secondary: true }),
      button('Next (j)', () => move(1), { secondary: true }),
      button('Undo (u)', undo, { secondary: true }),
      button('Note (n)', openNote, { secondary: true }),
      it.path ? button('Open source (o)', () => send({ type: 'openDocument', docId: it.docId, ...(it.start !== undefined ? { start: it.start } : {}), ...(it.end !== undefined ? { end: it.end } : {}) }), { secondary: true, id: 'open-source' }) : null);
    append(main, card, grades, nav);
    if (noteOpen) {
      const tf = h('vscode-textfield', { id: 'note-field', 'aria-label': 'Note for this judgement (Enter saves, Escape cancels)', value: it.note ?? '', placeholder: 'Note (Enter saves, Escape cancels)' }) as HTMLElement & { value: string };
      tf.addEventListener('keydown', (e: KeyboardEvent) => {
        if (e.key === 'Enter') { e.preventDefault(); saveNote(tf.value); }
        else if (e.key === 'Escape') { e.preventDefault(); noteOpen = false; renderJudge(); document.getElementById('doc-card')?.focus(); }
        e.stopPropagation();
      });
      main.appendChild(tf);
    }
  }
  // The queue: only a window around the cursor is rendered (pools can hold thousands of items).
  const from = Math.max(0, state.pool.cursor - 15);
  const to = Math.min(items.length, from + 40);
  const queue = h('ol', { class: 'queue', start: String(from + 1), 'aria-label': `Pool items ${from + 1} to ${to} of ${items.length}` });
  for (let i = from; i < to; i++) {
    const x = items[i];
    const li = h('li', { class: `${i === state.pool.cursor ? 'current' : ''} ${x.grade === null ? 'is-unjudged' : ''}`, 'aria-current': i === state.pool.cursor ? 'true' : null, 'data-index': i },
      relBadge(x.grade), ' ', h('span', { class: 'muted' }, x.qid), ' ', h('span', {}, x.docId), ' ', h('span', { class: 'lang' }, x.lang));
    li.addEventListener('click', () => { state.pool!.cursor = i; persist(); renderJudge(); });
    queue.appendChild(li);
  }
  append(layout, main, h('div', { class: 'judge-side' }, renderGuide(), h('h3', {}, 'Queue'), queue));
  root.appendChild(layout);
  if (hadFocus || state.tab === TAB.judge) (document.getElementById('doc-card') as HTMLElement | null)?.focus({ preventScroll: true });
}

function renderAgreement(v: AgreementView): HTMLElement {
  const wrap = h('div', { class: 'agreement', id: 'agreement-view' }, h('h3', {}, 'Agreement between assessors'));
  if (v.pairs.length === 0) {
    wrap.appendChild(h('p', { class: 'muted' }, v.assessors.length < 2 ? 'Only one assessor has judged so far.' : 'No pair of assessors has judged the same (query, document) pairs yet.'));
    return wrap;
  }
  wrap.appendChild(h('table', { class: 'grid compact', 'aria-label': "Cohen's kappa per pair of assessors" },
    h('thead', {}, h('tr', {}, ...['Assessor A', 'Assessor B', 'Shared pairs', 'Observed', "Cohen's κ (0–3)", 'Weighted κ', 'Binary κ'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, ...v.pairs.map((p) => h('tr', {}, h('td', {}, p.a), h('td', {}, p.b), h('td', { class: 'num' }, String(p.n)), h('td', { class: 'num' }, fmt(p.observed, 3)), h('td', { class: 'num' }, fmt(p.kappa, 3)), h('td', { class: 'num' }, fmt(p.weightedKappa, 3)), h('td', { class: 'num' }, fmt(p.binaryKappa, 3)))))));
  return wrap;
}


function meter(done: number, total: number): HTMLElement {
  const fill = h('div', { class: 'meter-fill' });
  fill.style.width = `${total ? (100 * done) / total : 0}%`; // CSSOM, allowed by the CSP (no inline style attribute)
  return h('div', { class: 'meter', id: 'progress-meter', role: 'progressbar', 'aria-label': 'Judged documents', 'aria-valuemin': 0, 'aria-valuemax': total, 'aria-valuenow': done }, fill);
}

export function renderJudgeProgress(): void {
  if (!pool) return;
  const judged = pool.items.filter((x) => x.grade !== null).length;
  const el = document.getElementById('progress-text');
  if (el) el.textContent = `${judged} / ${pool.items.length} judged`;
  const m = document.getElementById('progress-meter');
  if (m) m.replaceWith(meter(judged, pool.items.length));
}
