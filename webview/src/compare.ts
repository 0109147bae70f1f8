/** The Compare tab: run and measure selection, the metric table, per-query deltas and the charts. */
import { comparisonToCsv, comparisonToMarkdown } from '../../src/core/views/exportTable';
import type { ComparisonView } from '../../src/core/views/protocol';
import { send } from './bridge';
import { biasOption, Chart, deltaOption, heatmapOption, palette } from './charts';
import { append, button, checkbox, clear, fmt, fmtP, h, select, textfield } from './dom';
import { openDiff } from './diff';
import { commandButton, panels, say } from './shell';
import { measures, PAGE, persist, runId, runs, state, State } from './state';

export let comparison: ComparisonView | undefined;

export function setComparison(v: ComparisonView | undefined): void {
  comparison = v;
}

const chartEls = {
  delta: h('div', { class: 'chart', id: 'chart-delta', role: 'img', 'aria-label': 'Per-query delta chart' }),
  heatmap: h('div', { class: 'chart', id: 'chart-heatmap', role: 'img', 'aria-label': 'Language pair heatmap' }),
  bias: h('div', { class: 'chart', id: 'chart-bias', role: 'img', 'aria-label': 'Language bias chart' }),
};
export const charts = new Map<keyof typeof chartEls, Chart>(Object.entries(chartEls).map(([k, el]) => [k as keyof typeof chartEls, new Chart(el)]));

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

export function requestComparison(firstPage = true): void {
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

export function renderCompare(): void {
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

export function drawCharts(): void {
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
