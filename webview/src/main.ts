/**
 * CLIR Workbench webview: experiment comparison, run diff and relevance annotation.
 * Everything the host sends is validated (bridge.ts); every piece of data is rendered as text.
 */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import './workbench.css';

import { comparisonToCsv, comparisonToMarkdown } from '../../src/core/views/exportTable';
import { AgreementView, ComparisonView, DiffEntry, GRADE_GUIDE, PanelCommand, PoolView, RunDiffView, RunInfo, ToHostOf, ToWebview, PROTOCOL_VERSION } from '../../src/core/views/protocol';
import { getState, onMessage, send, setState } from './bridge';
import { biasOption, Chart, deltaOption, heatmapOption, palette } from './charts';
import { append, badge, button, checkbox, clear, fmt, fmtP, h, highlighted, select, textfield, typingTarget } from './dom';

type PoolSource = ToHostOf<'requestPool'>['source'];

interface UndoEntry {
  poolId: string;
  qid: string;
  docid: string;
  previous: number | null;
  previousNote?: string;
}

interface State {
  /** The store the state belongs to (init's `store`): a reload on another store starts afresh. */
  store?: string;
  tab: number;
  compare: {
    runs: string[];
    baseline: string;
    measures: string[];
    deltaMeasure: string;
    heatmapMeasure: string;
    k: number;
    test: 't' | 'randomization' | 'bootstrap';
    correction: 'none' | 'bonferroni' | 'holm';
    chartRun?: string;
    page: number;
    requested: boolean;
  };
  diff?: { qid: string; runA: string; runB: string; k: number };
  pool?: { source: PoolSource; poolId?: string; cursor: number; undo: UndoEntry[] };
  poolDepth: number;
  search: string;
}

const TAB = { compare: 0, diff: 1, judge: 2 } as const;
const PAGE = 50;

const freshState = (): State => ({
  tab: 0,
  compare: { runs: [], baseline: '', measures: [], deltaMeasure: 'ndcg_cut_10', heatmapMeasure: 'ndcg_cut_10', k: 10, test: 't', correction: 'holm', page: 0, requested: false },
  poolDepth: 10,
  search: '',
});
const saved = getState<State>();
let state: State = saved && saved.compare ? saved : freshState();
const persist = (): void => setState(state);

let runs: RunInfo[] = [];
let measures: string[] = [];
let assessor = '';
let comparison: ComparisonView | undefined;
let diff: RunDiffView | undefined;
let pool: PoolView | undefined;
let agreement: AgreementView | undefined;
let noteOpen = false;

const runName = (id: string): string => runs.find((r) => r.id === id)?.name ?? id;
const runId = (name: string): string => runs.find((r) => r.name === name)?.id ?? name;

// ---------------------------------------------------------------------------------------------
// Shell
// ---------------------------------------------------------------------------------------------

const app = document.getElementById('app')!;
clear(app);
app.removeAttribute('aria-busy');
const status = h('div', { id: 'status', role: 'status', 'aria-live': 'polite', class: 'status' });
const header = h('header', { class: 'top' }, h('h1', {}, 'CLIR Workbench'), h('span', { id: 'assessor', class: 'muted' }), status);
const tabs = h('vscode-tabs', { id: 'tabs', 'selected-index': String(state.tab) }) as HTMLElement & { selectedIndex: number };
const panels = {
  compare: h('section', { id: 'compare', 'aria-label': 'Experiment comparison' }),
  diff: h('section', { id: 'diff', 'aria-label': 'Run diff' }),
  judge: h('section', { id: 'judge', 'aria-label': 'Relevance annotation' }),
};
for (const [label, key] of [['Compare', 'compare'], ['Run diff', 'diff'], ['Judge', 'judge']] as const) {
  tabs.appendChild(h('vscode-tab-header', { slot: 'header', 'data-tab': key }, label));
  tabs.appendChild(h('vscode-tab-panel', { 'aria-label': label }, panels[key]));
}
tabs.addEventListener('vsc-tabs-select', (e: Event) => {
  state.tab = (e as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
  persist();
  requestAnimationFrame(() => charts.forEach((c) => c.resize()));
});
append(app, header, tabs);

function showTab(i: number): void {
  state.tab = i;
  tabs.selectedIndex = i;
  persist();
}

/** Views re-requested after a reload: their answers must not move the user off the tab they were on. */
const resuming = new Set<string>();

/** Shows the tab of a view the host sent, unless the view is only being restored after a reload. */
function revealUnlessResuming(what: string, tab: number): void {
  if (resuming.delete(what)) return;
  if (state.tab !== tab) showTab(tab);
}

function say(msg: string, kind: 'info' | 'error' = 'info'): void {
  status.textContent = msg;
  status.className = `status ${kind}`;
}

/** A button that asks the host to run one of the allowed VS Code commands. */
function commandButton(label: string, command: PanelCommand, attrs: Record<string, string | boolean> = {}, runsFor?: () => string[]): HTMLElement {
  return button(label, () => {
    const r = runsFor?.() ?? [];
    send({ type: 'runCommand', command, ...(r.length ? { runs: r } : {}) });
  }, { 'data-command': command, ...attrs });
}

// ---------------------------------------------------------------------------------------------
// Compare
// ---------------------------------------------------------------------------------------------

const chartEls = {
  delta: h('div', { class: 'chart', id: 'chart-delta', role: 'img', 'aria-label': 'Per-query delta chart' }),
  heatmap: h('div', { class: 'chart', id: 'chart-heatmap', role: 'img', 'aria-label': 'Language pair heatmap' }),
  bias: h('div', { class: 'chart', id: 'chart-bias', role: 'img', 'aria-label': 'Language bias chart' }),
};
const charts = new Map<keyof typeof chartEls, Chart>(Object.entries(chartEls).map(([k, el]) => [k as keyof typeof chartEls, new Chart(el)]));

function renderCompareControls(): HTMLElement {
  const c = state.compare;
  const form = h('div', { class: 'controls', role: 'group', 'aria-label': 'Comparison settings' });
  const runBox = h('fieldset', { class: 'runs' }, h('legend', {}, 'Runs'));
  if (runs.length === 0) {
    runBox.appendChild(h('div', { class: 'empty', id: 'no-runs' },
      h('p', {}, 'No stored runs yet. An experiment runs a pipeline over your topics and stores the ranking; you can also import TREC run files.'),
      h('div', { class: 'row' },
        commandButton('Run Experiment', 'clir.runExperiment', { id: 'cmd-run-experiment' }),
        commandButton('Import Runs', 'clir.importRuns', { id: 'cmd-import-runs', secondary: true }))));
  }
  for (const r of runs) {
    const label = `${r.name}${r.pipeline ? ` (${r.pipeline})` : ''}`;
    runBox.appendChild(
      checkbox(label, c.runs.includes(r.id), (on) => {
        c.runs = on ? [...c.runs.filter((x) => x !== r.id), r.id] : c.runs.filter((x) => x !== r.id);
        if (!c.baseline || !c.runs.includes(c.baseline)) c.baseline = c.runs[0] ?? '';
        persist();
        renderCompare();
      }, { 'data-run': r.id, title: [label, r.createdAt ? `created ${r.createdAt.slice(0, 16).replace('T', ' ')}` : '', `${r.queries} queries`].filter(Boolean).join(' · ') }),
    );
  }
  const mBox = h('fieldset', { class: 'measures' }, h('legend', {}, 'Measures'));
  for (const m of measures) {
    mBox.appendChild(checkbox(m, c.measures.includes(m), (on) => {
      c.measures = on ? [...c.measures.filter((x) => x !== m), m] : c.measures.filter((x) => x !== m);
      persist();
    }));
  }
  const chosen = runs.filter((r) => c.runs.includes(r.id));
  const opts = h('div', { class: 'row' },
    select('Baseline', chosen.map((r) => ({ value: r.id, label: r.name })), c.baseline, (v) => { c.baseline = v; persist(); }, 'baseline'),
    select('Per-query measure', measures.map((m) => ({ value: m, label: m })), c.deltaMeasure, (v) => { c.deltaMeasure = v; persist(); }),
    select('Heatmap measure', measures.map((m) => ({ value: m, label: m })), c.heatmapMeasure, (v) => { c.heatmapMeasure = v; persist(); }),
    textfield('Top k (bias)', String(c.k), (v) => { const n = Number(v); if (Number.isInteger(n) && n > 0) { c.k = n; persist(); } }, { type: 'number', min: 1 }),
    select('Test', [{ value: 't', label: 'paired t-test' }, { value: 'randomization', label: 'randomization' }, { value: 'bootstrap', label: 'bootstrap' }], c.test, (v) => { c.test = v as State['compare']['test']; persist(); }),
    select('Correction', [{ value: 'holm', label: 'Holm' }, { value: 'bonferroni', label: 'Bonferroni' }, { value: 'none', label: 'none' }], c.correction, (v) => { c.correction = v as State['compare']['correction']; persist(); }),
  );
  const go = button('Compare', requestComparison, { id: 'run-compare', disabled: c.runs.length < 2 });
  append(form, h('div', { class: 'row' }, runBox, mBox), opts, h('div', { class: 'row' }, go, c.runs.length < 2 ? h('span', { class: 'muted' }, 'Pick at least two runs.') : null));
  return form;
}

function requestComparison(firstPage = true): void {
  const c = state.compare;
  if (c.runs.length < 2) return say('Pick at least two runs.', 'error');
  if (c.measures.length === 0) c.measures = measures.slice(0, 4);
  c.requested = true;
  if (firstPage) c.page = 0;
  persist();
  say('Comparing…');
  send({ type: 'requestComparison', runs: c.runs, baseline: c.baseline || c.runs[0], measures: c.measures, deltaMeasure: c.deltaMeasure, heatmapMeasure: c.heatmapMeasure, k: c.k, test: c.test, correction: c.correction });
}

function markerLabel(m: string): string {
  return m === '+' ? 'significantly better than the baseline' : m === '-' ? 'significantly worse than the baseline' : 'not significantly different';
}

function renderMetricTable(v: ComparisonView): HTMLElement {
  const table = h('vscode-table', { id: 'metric-table', zebra: true, 'bordered-columns': true, 'aria-label': 'Mean of each measure per run', columns: '' });
  const head = h('vscode-table-header', { slot: 'header' }, h('vscode-table-header-cell', {}, 'Run'));
  for (const m of v.measures) head.appendChild(h('vscode-table-header-cell', {}, m));
  const body = h('vscode-table-body', { slot: 'body' });
  for (const row of v.table) {
    const tr = h('vscode-table-row', { 'data-run': row.run });
    tr.appendChild(h('vscode-table-cell', {}, h('span', { class: 'run-name', title: row.run }, row.run), row.isBaseline ? h('span', { class: 'tag' }, ' baseline') : null));
    for (const m of v.measures) {
      const cell = row.cells.find((x) => x.measure === m);
      const td = h('vscode-table-cell', { class: 'num' });
      if (cell) {
        const mark = cell.marker ? h('span', { class: `marker ${cell.marker === '+' ? 'better' : 'worse'}`, 'aria-label': markerLabel(cell.marker), title: markerLabel(cell.marker) }, cell.marker === '+' ? '▲' : '▼') : null;
        append(td, h('span', { class: 'mean' }, fmt(cell.mean)), mark);
        if (!row.isBaseline) {
          td.appendChild(h('div', { class: 'sub' }, `Δ ${cell.delta !== null && cell.delta >= 0 ? '+' : ''}${fmt(cell.delta)} · p ${fmtP(cell.pAdjusted)} · ${cell.wins}/${cell.ties}/${cell.losses}`));
          td.setAttribute('aria-label', `${row.run} ${m} ${fmt(cell.mean)}, delta ${fmt(cell.delta)}, adjusted p ${fmtP(cell.pAdjusted)}, ${markerLabel(cell.marker)}, wins ${cell.wins}, ties ${cell.ties}, losses ${cell.losses}`);
        }
      }
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
  append(table, head, body);
  return table;
}

function exportText(format: 'csv' | 'md', content: string, name: string): void {
  send({ type: 'saveExport', format, suggestedName: name, content });
}

function exportChart(key: keyof typeof chartEls, format: 'png' | 'svg', name: string): void {
  const c = charts.get(key)!;
  const bg = palette().bg;
  try {
    send({ type: 'saveExport', format, suggestedName: name, content: format === 'png' ? c.png(bg) : c.svg(bg) });
  } catch (e) {
    say(`Export failed: ${e instanceof Error ? e.message : String(e)}`, 'error');
  }
}

function chartBlock(key: keyof typeof chartEls, title: string): HTMLElement {
  return h('div', { class: 'chart-block' },
    h('div', { class: 'row between' }, h('h3', {}, title), h('div', { class: 'row' },
      button('PNG', () => exportChart(key, 'png', `${key}-chart.png`), { secondary: true, 'aria-label': `Export ${title} as PNG` }),
      button('SVG', () => exportChart(key, 'svg', `${key}-chart.svg`), { secondary: true, 'aria-label': `Export ${title} as SVG` }))),
    chartEls[key]);
}

function openDiff(qid: string, runA: string, runB: string): void {
  state.diff = { qid, runA, runB, k: state.diff?.k ?? 10 };
  persist();
  showTab(TAB.diff);
  renderDiff();
  say(`Loading run diff for ${qid}…`);
  send({ type: 'requestRunDiff', ...state.diff });
}

function renderQueryTable(v: ComparisonView, run: string): HTMLElement {
  const items = v.deltas.find((d) => d.run === run)?.items ?? [];
  const c = state.compare;
  const pages = Math.max(1, Math.ceil(items.length / PAGE));
  c.page = Math.min(c.page, pages - 1);
  const slice = items.slice(c.page * PAGE, (c.page + 1) * PAGE);
  const table = h('table', { class: 'grid', id: 'query-table', 'aria-label': `Per-query ${v.deltaMeasure}, largest differences first` });
  table.appendChild(h('thead', {}, h('tr', {}, ...['Query', 'Lang', 'Text', v.baseline, run, 'Δ'].map((t) => h('th', { scope: 'col' }, t)))));
  const tb = h('tbody');
  for (const d of slice) {
    const tr = h('tr', { tabindex: 0, class: 'clickable', 'data-qid': d.qid, 'aria-label': `${d.qid}: delta ${fmt(d.delta)}. Press Enter for the run diff.` },
      h('td', {}, d.qid), h('td', {}, d.lang), h('td', { class: 'text', title: d.text }, d.text), h('td', { class: 'num' }, fmt(d.base)), h('td', { class: 'num' }, fmt(d.value)),
      h('td', { class: `num ${d.delta !== null && d.delta > 0 ? 'better' : d.delta !== null && d.delta < 0 ? 'worse' : ''}` }, fmt(d.delta)));
    const open = (): void => openDiff(d.qid, runId(v.baseline), runId(run));
    tr.addEventListener('click', open);
    tr.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); open(); } });
    tb.appendChild(tr);
  }
  table.appendChild(tb);
  const pager = h('div', { class: 'row pager', role: 'navigation', 'aria-label': 'Query table pages' },
    button('Previous', () => { c.page--; persist(); renderCompare(); }, { secondary: true, disabled: c.page === 0 }),
    h('span', {}, `Page ${c.page + 1} of ${pages} (${items.length} queries)`),
    button('Next', () => { c.page++; persist(); renderCompare(); }, { secondary: true, disabled: c.page >= pages - 1 }));
  return h('div', {}, table, pager);
}

function renderCompare(): void {
  const root = panels.compare;
  clear(root);
  root.appendChild(renderCompareControls());
  const v = comparison;
  if (!v) return;
  if (v.judgedTopics === 0) {
    // Without a single judgement every measure is 0: say so instead of a table of zeros and empty charts.
    root.appendChild(h('div', { class: 'results empty', id: 'no-judgements', role: 'alert' },
      h('h2', {}, 'No relevance judgements for these topics'),
      h('p', {}, `None of the ${v.topics ?? 'compared'} topics that ${v.runs.join(', ')} answer has a relevance judgement, so every measure would be 0. Import qrels (TREC format) for these topics, or judge the pooled documents of these runs; the comparison refreshes when judgements arrive.`),
      h('div', { class: 'row' },
        commandButton('Import Qrels', 'clir.importQrels', { id: 'cmd-import-qrels' }),
        commandButton('Judge', 'clir.judge', { id: 'cmd-judge', secondary: true }, () => state.compare.runs.slice()))));
    return;
  }
  const others = v.runs.filter((r) => r !== v.baseline);
  const chartRun = state.compare.chartRun && others.includes(state.compare.chartRun) ? state.compare.chartRun : others[0];
  const partial = v.judgedTopics !== undefined && v.topics !== undefined && v.judgedTopics < v.topics
    ? h('p', { class: 'muted', id: 'partly-judged' }, `${v.judgedTopics} of ${v.topics} topics have relevance judgements; the others count as 0 in every measure.`)
    : null;
  const results = h('div', { class: 'results', id: 'compare-results' },
    h('div', { class: 'row between' }, h('h2', {}, `Metrics (baseline ${v.baseline})`), h('div', { class: 'row' },
      button('Export CSV', () => exportText('csv', comparisonToCsv(v), 'comparison.csv'), { secondary: true, id: 'export-csv' }),
      button('Export Markdown', () => exportText('md', comparisonToMarkdown(v), 'comparison.md'), { secondary: true, id: 'export-md' }))),
    renderMetricTable(v),
    partial,
    h('p', { class: 'legend muted' }, `▲ / ▼: significantly better / worse than ${v.baseline} after ${v.correction} correction (adjusted p < ${v.alpha}); sub-line: mean Δ · adjusted p · wins/ties/losses.`),
    h('ul', { class: 'notes muted' }, ...v.notes.map((n) => h('li', {}, n))),
    select('Run shown in the charts', others.map((r) => ({ value: r, label: r })), chartRun, (x) => { state.compare.chartRun = x; state.compare.page = 0; persist(); renderCompare(); }, 'chart-run'),
    chartBlock('delta', `Per-query ${v.deltaMeasure} difference (click a bar for the run diff)`),
    renderQueryTable(v, chartRun),
    h('div', { class: 'chart-pair' }, chartBlock('heatmap', `${v.heatmapMeasure} by language pair`), chartBlock('bias', 'Language bias')),
  );
  root.appendChild(results);
  drawCharts();
}

function drawCharts(): void {
  const v = comparison;
  if (!v || v.judgedTopics === 0) return;
  const p = palette();
  const others = v.runs.filter((r) => r !== v.baseline);
  const run = state.compare.chartRun && others.includes(state.compare.chartRun) ? state.compare.chartRun : others[0];
  const items = v.deltas.find((d) => d.run === run)?.items ?? [];
  const sorted = [...items].sort((a, b) => (b.delta ?? 0) - (a.delta ?? 0) || (a.qid < b.qid ? -1 : 1));
  charts.get('delta')!.set(deltaOption(items, run, v.baseline, v.deltaMeasure, p), (i) => { const d = sorted[i]; if (d) openDiff(d.qid, runId(v.baseline), runId(run)); });
  const hm = v.heatmaps.find((x) => x.run === run) ?? v.heatmaps[0];
  if (hm) charts.get('heatmap')!.set(heatmapOption(hm, p));
  const bias = v.bias.find((x) => x.run === run) ?? v.bias[0];
  if (bias) charts.get('bias')!.set(biasOption(bias.rows, bias.run, v.k, p));
}

// ---------------------------------------------------------------------------------------------
// Run diff
// ---------------------------------------------------------------------------------------------

const ARROW: Record<DiffEntry['movement'], { glyph: string; label: string }> = {
  up: { glyph: '↑', label: 'moved up' },
  down: { glyph: '↓', label: 'moved down' },
  same: { glyph: '=', label: 'same rank' },
  entered: { glyph: '⇢', label: 'entered the top k' },
  left: { glyph: '⇠', label: 'left the top k' },
  only: { glyph: '•', label: 'only here' },
};

function relBadge(rel: number | null): HTMLElement {
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
      'data-docid': e.docid,
      'aria-label': `Rank ${e.rank}, ${e.docid}, ${e.lang}, ${e.rel === null ? 'unjudged' : `relevance ${e.rel}`}, ${arrow.label}${change}${e.otherRank ? `, rank ${e.otherRank} in the other run` : ''}`,
    },
      h('div', { class: 'diff-head' },
        h('span', { class: 'rank' }, `#${e.rank}`),
        h('span', { class: `arrow mv-${e.movement}`, title: arrow.label }, arrow.glyph + change),
        relBadge(e.rel),
        h('span', { class: 'lang' }, e.lang),
        h('span', { class: 'docid', title: e.title ? `${e.title} — ${e.docid}` : e.docid }, e.title ? `${e.title} — ${e.docid}` : e.docid),
        h('span', { class: 'score muted' }, fmt(e.score, 3)),
        e.rel === null ? h('span', { class: 'unjudged-tag' }, 'unjudged · J to judge') : null),
      highlighted(e.snippet, e.highlights));
    li.addEventListener('dblclick', () => judgeFromDiff(e.docid));
    list.appendChild(li);
  }
  return list;
}

function judgeFromDiff(focusDocid?: string): void {
  if (!diff || !state.diff) return;
  const source: PoolSource = { type: 'diff', runs: [state.diff.runA, state.diff.runB], qid: diff.qid, depth: diff.k, unjudgedOnly: true };
  state.pool = { source, cursor: 0, undo: state.pool?.undo ?? [] };
  persist();
  showTab(TAB.judge);
  say(`Loading unjudged documents of ${diff.qid}…`);
  send({ type: 'requestPool', source, ...(focusDocid ? { focusDocid } : {}) });
}

function renderDiff(): void {
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

// ---------------------------------------------------------------------------------------------
// Judge
// ---------------------------------------------------------------------------------------------

function currentItem() {
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

function judge(grade: number): void {
  const it = currentItem();
  if (!pool || !state.pool || !it) return;
  state.pool.undo.push({ poolId: pool.poolId, qid: it.qid, docid: it.docid, previous: it.grade, ...(it.note ? { previousNote: it.note } : {}) });
  if (state.pool.undo.length > 200) state.pool.undo.shift();
  it.grade = grade;
  send({ type: 'judge', poolId: pool.poolId, qid: it.qid, docid: it.docid, grade, ...(it.note ? { note: it.note } : {}) });
  say(`Judged ${it.docid} for ${it.qid}: ${grade} (${GRADE_GUIDE[grade].label}).`);
  move(1, false);
}

function undo(): void {
  if (!pool || !state.pool) return;
  const u = state.pool.undo.pop();
  if (!u || u.poolId !== pool.poolId) return say('Nothing to undo.');
  const idx = pool.items.findIndex((x) => x.qid === u.qid && x.docid === u.docid);
  if (idx < 0) return;
  const it = pool.items[idx];
  it.grade = u.previous;
  if (u.previousNote) it.note = u.previousNote;
  else delete it.note;
  if (u.previous === null) send({ type: 'unjudge', poolId: pool.poolId, qid: u.qid, docid: u.docid });
  else send({ type: 'judge', poolId: pool.poolId, qid: u.qid, docid: u.docid, grade: u.previous, ...(u.previousNote ? { note: u.previousNote } : {}) });
  state.pool.cursor = idx;
  persist();
  say(`Undone: ${u.docid} is ${u.previous === null ? 'unjudged' : `graded ${u.previous}`} again.`);
  renderJudge();
}

function move(delta: number, announce = true): void {
  if (!pool || !state.pool) return;
  state.pool.cursor = Math.max(0, Math.min(pool.items.length - 1, state.pool.cursor + delta));
  persist();
  renderJudge();
  if (announce) {
    const it = currentItem();
    if (it) say(`Document ${state.pool.cursor + 1} of ${pool.items.length}: ${it.docid}`);
  }
}

function openNote(): void {
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
    send({ type: 'judge', poolId: pool.poolId, qid: it.qid, docid: it.docid, grade: it.grade, ...(it.note ? { note: it.note } : {}) });
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

function renderJudge(): void {
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
    const card = h('article', { class: 'doc-card', id: 'doc-card', tabindex: 0, 'aria-label': `Document ${state.pool.cursor + 1} of ${items.length}: ${it.docid}, language ${it.lang}, ${it.grade === null ? 'not judged' : `grade ${it.grade}`}` },
      h('div', { class: 'query-head' },
        h('div', { class: 'muted' }, `Query ${it.qid}`, ' ', h('span', { class: 'lang-badge', title: 'query language' }, q?.lang ?? 'und')),
        h('p', { class: 'query-text', id: 'query-text' }, q?.text ?? '')),
      h('div', { class: 'doc-meta row' },
        h('span', { class: 'lang-badge', title: 'document language' }, it.lang),
        h('span', { class: 'docid', id: 'doc-id' }, it.title ? `${it.title} — ${it.docid}` : it.docid),
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
      it.path ? button('Open source (o)', () => send({ type: 'openDocument', docid: it.docid, ...(it.start !== undefined ? { start: it.start } : {}), ...(it.end !== undefined ? { end: it.end } : {}) }), { secondary: true, id: 'open-source' }) : null);
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
      relBadge(x.grade), ' ', h('span', { class: 'muted' }, x.qid), ' ', h('span', {}, x.docid), ' ', h('span', { class: 'lang' }, x.lang));
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

// ---------------------------------------------------------------------------------------------
// Keyboard
// ---------------------------------------------------------------------------------------------

document.addEventListener('keydown', (e: KeyboardEvent) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (typingTarget(e) || noteOpen) return;
  if (state.tab === TAB.judge && pool && state.pool) {
    if (/^[0-3]$/.test(e.key)) { e.preventDefault(); judge(Number(e.key)); return; }
    switch (e.key) {
      case 'j': case 'ArrowDown': e.preventDefault(); move(1); return;
      case 'k': case 'ArrowUp': e.preventDefault(); move(-1); return;
      case 'u': e.preventDefault(); undo(); return;
      case 'n': e.preventDefault(); openNote(); return;
      case 'o': { const it = currentItem(); if (it?.path) { e.preventDefault(); send({ type: 'openDocument', docid: it.docid, ...(it.start !== undefined ? { start: it.start } : {}), ...(it.end !== undefined ? { end: it.end } : {}) }); } return; }
    }
  }
  if (state.tab === TAB.diff && diff) {
    const row = (e.target as HTMLElement | null)?.closest?.('.diff-row') as HTMLElement | null;
    if (e.key === 'J' || e.key === 'j' || (e.key === 'Enter' && row)) { e.preventDefault(); judgeFromDiff(row?.dataset.docid); return; }
    if (row && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      e.preventDefault();
      const sib = (e.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling) as HTMLElement | null;
      sib?.focus();
    }
  }
});

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

/** Re-requests what was on screen (after a reload, or when the host says its data changed), without switching tabs. */
function resume(): void {
  const c = state.compare;
  if (c.requested && c.runs.length >= 2) {
    resuming.add('comparison');
    requestComparison(false);
  }
  if (state.diff) {
    resuming.add('runDiff');
    send({ type: 'requestRunDiff', ...state.diff });
  }
  if (state.pool && validSource(state.pool.source)) {
    resuming.add('pool');
    send({ type: 'requestPool', source: state.pool.source });
  }
}

/** A pool source the host can rebuild (older states kept a placeholder without runs). */
function validSource(src: PoolSource): boolean {
  return src.type === 'search' ? src.query.trim().length > 0 : src.runs.length > 0;
}

function handle(msg: ToWebview): void {
  switch (msg.type) {
    case 'init': {
      runs = msg.runs;
      measures = msg.measures;
      assessor = msg.assessor;
      document.getElementById('assessor')!.textContent = `Assessor: ${assessor}`;
      if (msg.store !== undefined) {
        // State saved for another store (another folder or notebook collection) does not apply here.
        if (state.store !== undefined && state.store !== msg.store) {
          state = freshState();
          comparison = undefined;
          diff = undefined;
          pool = undefined;
        }
        state.store = msg.store;
      }
      const ids = new Set(runs.map((r) => r.id));
      const c = state.compare;
      c.runs = c.runs.filter((r) => ids.has(r));
      if (c.runs.length === 0) c.runs = runs.slice(0, Math.min(2, runs.length)).map((r) => r.id);
      if (!c.runs.includes(c.baseline)) c.baseline = c.runs[0] ?? '';
      if (c.measures.length === 0) c.measures = measures.slice(0, 4);
      if (!measures.includes(c.deltaMeasure)) c.deltaMeasure = measures[0] ?? 'ndcg_cut_10';
      if (!measures.includes(c.heatmapMeasure)) c.heatmapMeasure = measures[0] ?? 'ndcg_cut_10';
      persist();
      renderCompare();
      renderDiff();
      renderJudge();
      tabs.selectedIndex = state.tab;
      say(`${runs.length} runs, ${msg.queries} queries, ${msg.judgements} judgements.`);
      resume();
      return;
    }
    case 'comparison': {
      comparison = msg.view;
      // A comparison the host opened (e.g. from the Experiments view): make the form match it, and
      // keep it in the state so that a reload shows the same comparison.
      const idOf = (name: string) => runs.find((r) => r.name === name || r.id === name)?.id;
      const ids = msg.view.runs.map(idOf);
      const base = idOf(msg.view.baseline);
      const c = state.compare;
      if (base && ids.every((x): x is string => !!x)) {
        c.baseline = base;
        c.runs = ids;
        c.measures = msg.view.measures.slice();
        c.deltaMeasure = msg.view.deltaMeasure;
        c.heatmapMeasure = msg.view.heatmapMeasure;
        c.k = msg.view.k;
        if (msg.view.test === 't' || msg.view.test === 'randomization' || msg.view.test === 'bootstrap') c.test = msg.view.test;
        if (msg.view.correction === 'none' || msg.view.correction === 'bonferroni' || msg.view.correction === 'holm') c.correction = msg.view.correction;
        c.requested = true;
      }
      persist();
      renderCompare();
      revealUnlessResuming('comparison', TAB.compare);
      say(msg.view.judgedTopics === 0 ? `Compared ${msg.view.runs.length} runs: no relevance judgements for their topics.` : `Compared ${msg.view.runs.length} runs on ${msg.view.measures.length} measures.`);
      return;
    }
    case 'runDiff':
      diff = msg.view;
      renderDiff();
      revealUnlessResuming('runDiff', TAB.diff);
      say(`Run diff for ${msg.view.qid}: ${msg.view.summary.unjudged} unjudged.`);
      return;
    case 'pool': {
      const v = msg.view;
      const same = state.pool?.poolId === v.poolId;
      pool = v;
      if (!state.pool) state.pool = { source: msg.source ?? { type: 'runs', runs: [], depth: 1 }, cursor: 0, undo: [] };
      // A pool the host opened (Judgements view, notebook, Judge command): remember what it was built from.
      else if (msg.source) state.pool.source = msg.source;
      const keep = same && state.pool.cursor < v.items.length ? state.pool.cursor : undefined;
      state.pool.cursor = msg.focusIndex ?? keep ?? Math.min(v.position, Math.max(0, v.items.length - 1));
      state.pool.poolId = v.poolId;
      persist();
      renderJudge();
      revealUnlessResuming('pool', TAB.judge);
      const done = v.items.filter((x) => x.grade !== null).length;
      say(`Pool of ${v.items.length} documents; ${done} judged; resuming at ${Math.min(state.pool.cursor + 1, v.items.length)}.`);
      return;
    }
    case 'judgementSaved': {
      const it = pool?.items.find((x) => x.qid === msg.qid && x.docid === msg.docid);
      if (it) {
        it.grade = msg.grade;
        delete it.imported;
        document.body.dataset.lastSaved = `${msg.qid}/${msg.docid}=${msg.grade ?? 'none'}`;
        renderJudgeProgress();
      }
      if (diff && diff.qid === msg.qid) {
        for (const e of [...diff.a, ...diff.b]) if (e.docid === msg.docid) e.rel = msg.grade;
      }
      return;
    }
    case 'agreement':
      agreement = msg.view;
      renderJudge();
      return;
    case 'exportResult':
      say(msg.message, msg.ok ? 'info' : 'error');
      return;
    case 'busy':
      say(`Working on the ${msg.what}…`);
      return;
    case 'error':
      say(msg.message, 'error');
      return;
  }
}

function meter(done: number, total: number): HTMLElement {
  const fill = h('div', { class: 'meter-fill' });
  fill.style.width = `${total ? (100 * done) / total : 0}%`; // CSSOM, allowed by the CSP (no inline style attribute)
  return h('div', { class: 'meter', id: 'progress-meter', role: 'progressbar', 'aria-label': 'Judged documents', 'aria-valuemin': 0, 'aria-valuemax': total, 'aria-valuenow': done }, fill);
}

function renderJudgeProgress(): void {
  if (!pool) return;
  const judged = pool.items.filter((x) => x.grade !== null).length;
  const el = document.getElementById('progress-text');
  if (el) el.textContent = `${judged} / ${pool.items.length} judged`;
  const m = document.getElementById('progress-meter');
  if (m) m.replaceWith(meter(judged, pool.items.length));
}

// Re-draw charts when VS Code switches theme (it changes the body class and CSS variables).
new MutationObserver(() => drawCharts()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
window.addEventListener('resize', () => charts.forEach((c) => c.resize()));

onMessage(handle);
renderCompare();
renderDiff();
renderJudge();
send({ type: 'ready', version: PROTOCOL_VERSION });
