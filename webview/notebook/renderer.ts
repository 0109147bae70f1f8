/**
 * Notebook renderer for `application/vnd.clir.notebook+json` outputs (issue 8): ranked result
 * lists with links that open the hit, metric tables with significance markers, and the workbench's
 * per-query delta, language-pair heatmap and language-bias charts (webview/src/charts.ts, shared
 * with the Workbench panel). Data is always inserted as text (webview/src/dom.ts: no innerHTML).
 * Built to dist/notebook/renderer.js (ES module) by scripts/build-notebook-renderer.js.
 */
import { biasOption, Chart, deltaOption, heatmapOption, palette } from '../src/charts';
import { append, clear, fmt, fmtP, h } from '../src/dom';
import type { CellData, CellMeta, SearchHitData } from '../../src/core/notebook/execute';
import { CSS } from './style';

/** The parts of VS Code's renderer API used here (vscode-notebook-renderer). */
interface OutputItem {
  id: string;
  mime: string;
  json(): unknown;
  text(): string;
}
interface RendererContext {
  postMessage?(message: unknown): void;
  readonly workspace?: { readonly isTrusted: boolean };
}

interface Payload {
  version: number;
  title: string;
  data: CellData | { kind: 'stale'; from?: string; to: string } | { kind: 'progress'; message: string };
  meta?: CellMeta;
}

const charts = new Map<string, { charts: Chart[]; observer?: ResizeObserver }>();

function ensureStyle(doc: Document): void {
  if (doc.getElementById('clirnb-style')) return;
  const s = doc.createElement('style');
  s.id = 'clirnb-style';
  s.textContent = CSS;
  doc.head.appendChild(s);
}

function elapsed(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function statusBar(meta: CellMeta): HTMLElement {
  const bar = h('div', { class: 'clirnb-status' },
    h('span', { class: 'clirnb-chip', title: 'elapsed time' }, `⏱ ${elapsed(meta.elapsedMs)}`),
    h('span', { class: 'clirnb-chip', title: 'execution provider' }, `provider: ${meta.provider ?? 'none'}`),
    meta.corpusHash ? h('span', { class: 'clirnb-chip', title: 'corpus snapshot hash' }, `corpus ${meta.corpusHash}`) : null,
    h('span', { class: 'clirnb-chip', title: 'configuration hash' }, `config ${meta.configHash}`),
  );
  if (meta.reused) append(bar, h('div', { class: 'clirnb-reused' }, `♻ ${meta.reused}`));
  if (meta.corpusChangedFrom) append(bar, h('div', { class: 'clirnb-warn' }, `⚠ The corpus changed (snapshot ${meta.corpusChangedFrom} → ${meta.corpusHash}): cells that use this collection are out of date.`));
  return bar;
}

function table(head: string[], rows: (string | Node)[][], numeric: number[] = []): HTMLTableElement {
  const t = h('table', { class: 'clirnb-table' });
  const tr = h('tr');
  head.forEach((x, i) => append(tr, h('th', numeric.includes(i) ? { class: 'num' } : {}, x)));
  append(t, h('thead', {}, tr));
  const body = h('tbody');
  for (const r of rows) {
    const row = h('tr');
    r.forEach((c, i) => append(row, h('td', numeric.includes(i) ? { class: 'num' } : {}, c)));
    append(body, row);
  }
  append(t, body);
  return t;
}

function hitLink(hit: SearchHitData, ctx: RendererContext): Node {
  const label = hit.title ?? hit.docId;
  if (!hit.path) return h('span', { class: 'clirnb-doc' }, label);
  const a = h('a', { class: 'clirnb-doc', href: '#', title: `${hit.path} (characters ${hit.start}–${hit.end})`, role: 'link' }, label);
  a.addEventListener('click', (e) => {
    e.preventDefault();
    ctx.postMessage?.({ type: 'open', path: hit.path, start: hit.start, end: hit.end });
  });
  return a;
}

function chartBox(owner: string, cls = 'clirnb-chart'): { el: HTMLElement; chart: Chart } {
  const el = h('div', { class: cls });
  const chart = new Chart(el);
  const entry = charts.get(owner) ?? { charts: [] };
  entry.charts.push(chart);
  charts.set(owner, entry);
  return { el, chart };
}

function render(p: Payload, root: HTMLElement, ctx: RendererContext, id: string): void {
  const d = p.data;
  if (d.kind === 'progress') {
    append(root, h('div', { class: 'clirnb-progress' }, h('span', { class: 'clirnb-spinner', 'aria-hidden': 'true' }), d.message));
    return;
  }
  if (d.kind === 'stale') {
    append(root, h('div', { class: 'clirnb-warn', role: 'status' }, `⚠ Out of date: the collection's corpus changed${d.from ? ` (snapshot ${d.from} → ${d.to})` : ''}. Run this cell again.`));
    return;
  }
  append(root, h('div', { class: 'clirnb-title' }, p.title));
  const later: (() => void)[] = [];
  switch (d.kind) {
    case 'collection': {
      append(root, h('p', {}, `${d.documents} documents, ${d.chunks} chunks from ${d.sourceKind} `, h('code', {}, d.source), `; ${d.topics} topics, ${d.qrels} qrels. Indexing: ${d.added} added, ${d.updated} updated, ${d.removed} removed, ${d.unchanged} unchanged, ${d.skipped} skipped, ${d.embedded} chunks embedded.`));
      const langs = Object.entries(d.languages).sort((a, b) => b[1] - a[1]);
      const bars = h('div', { class: 'clirnb-langs' });
      const max = Math.max(1, ...langs.map((x) => x[1]));
      for (const [l, n] of langs) {
        const bar = h('span', { class: 'clirnb-langbar' });
        bar.style.width = `${Math.round((n / max) * 100)}%`;
        append(bars, h('div', { class: 'clirnb-langrow' }, h('span', { class: 'clirnb-lang' }, l), h('span', { class: 'clirnb-langtrack' }, bar), h('span', { class: 'num' }, String(n))));
      }
      append(root, bars);
      break;
    }
    case 'pipelines':
      append(root, table(['pipeline', 'expression', 'encoders', 'rerankers'], d.pipelines.map((x) => [x.name, h('code', {}, x.expression), x.encoders.join(', ') || '–', x.rerankers.join(', ') || '–'])));
      break;
    case 'search': {
      append(root, h('p', {}, 'Query ', h('code', {}, d.query), ` (${d.queryLang}) with `, h('strong', {}, d.pipeline), ' ', h('code', {}, d.expression)));
      const list = h('ol', { class: 'clirnb-hits' });
      for (const hit of d.hits) {
        append(list, h('li', { class: 'clirnb-hit' },
          h('div', { class: 'clirnb-hit-head' }, h('span', { class: 'clirnb-rank' }, String(hit.rank)), hitLink(hit, ctx), h('span', { class: 'clirnb-lang', title: 'document language' }, hit.lang), h('span', { class: 'clirnb-score', title: 'score' }, fmt(hit.score))),
          h('div', { class: 'clirnb-snippet' }, hit.snippet),
          hit.path ? h('div', { class: 'clirnb-path' }, hit.path) : null,
        ));
      }
      if (!d.hits.length) append(list, h('li', {}, 'No documents.'));
      append(root, list);
      break;
    }
    case 'run':
      append(root, h('p', {}, `${d.topics.count} topics from `, h('code', {}, d.topics.source), '.'));
      append(root, table(['run', 'pipeline', 'experiment', 'queries', 'provider', 'p50 latency', 'wall time', ''], d.runs.map((r) => [
        r.name, h('code', {}, r.expression), `#${r.experimentId}`, String(r.queries), r.provider,
        r.latencyP50Ms !== undefined ? `${r.latencyP50Ms.toFixed(1)} ms` : '–', `${r.wallSeconds.toFixed(2)} s`,
        h('span', { class: r.reused ? 'clirnb-tag reused' : 'clirnb-tag' }, r.reused ? 'reused' : 'new'),
      ]), [2, 3, 5, 6]));
      break;
    case 'evaluate': {
      const v = d.view;
      append(root, h('p', { class: 'clirnb-muted' }, `Baseline ${v.baseline}; ${v.test === 't' ? 'paired t-test' : `${v.test} test`}, ${v.correction} correction, α = ${v.alpha}. ▲/▼ significantly better/worse than the baseline (corrected p in brackets).`));
      const rows = v.table.map((r) => [
        h('span', {}, r.run, r.isBaseline ? h('span', { class: 'clirnb-muted' }, ' (baseline)') : null),
        ...r.cells.map((c) => h('span', {},
          fmt(c.mean),
          c.marker === '+' ? h('span', { class: 'clirnb-up', title: 'significantly better than the baseline' }, ' ▲') : c.marker === '-' ? h('span', { class: 'clirnb-down', title: 'significantly worse than the baseline' }, ' ▼') : null,
          c.pAdjusted !== null ? h('span', { class: 'clirnb-p' }, ` (${fmtP(c.pAdjusted)})`) : null,
        )),
      ]);
      append(root, table(['run', ...v.measures], rows, v.measures.map((_, i) => i + 1)));
      const pal = palette();
      for (const x of v.deltas) {
        const { el, chart } = chartBox(id);
        append(root, el);
        later.push(() => chart.set(deltaOption(x.items, x.run, v.baseline, v.deltaMeasure, pal)));
      }
      if (d.showPairs) {
        const grid = h('div', { class: 'clirnb-grid' });
        for (const hm of v.heatmaps) {
          const { el, chart } = chartBox(id, 'clirnb-chart clirnb-heat');
          append(grid, el);
          later.push(() => chart.set(heatmapOption(hm, pal)));
        }
        append(root, grid);
      }
      if (d.showBias) {
        const grid = h('div', { class: 'clirnb-grid' });
        for (const b of v.bias) {
          const { el, chart } = chartBox(id, 'clirnb-chart clirnb-bias');
          append(grid, el);
          later.push(() => chart.set(biasOption(b.rows, b.run, v.k, pal)));
        }
        append(root, grid);
      }
      for (const n of v.notes) append(root, h('div', { class: 'clirnb-note' }, n));
      break;
    }
    case 'judge':
      append(root, h('p', {}, `Pool: top ${d.depth} of ${d.runs.map((r) => `${r.name} (#${r.experimentId})`).join(', ')} — ${d.poolSize} (query, document) pairs over ${d.queries} queries, ${d.unjudged} not judged yet. The Judge view opened on it.`));
      break;
  }
  if (p.meta) {
    append(root, statusBar(p.meta));
    const det = h('details', { class: 'clirnb-repro' }, h('summary', {}, 'Reproduce with clir'), h('pre', {}, p.meta.commands.join('\n')));
    append(root, det);
  }
  // Charts need their boxes in the document to measure them.
  const draw = () => later.forEach((f) => f());
  if (root.isConnected) draw();
  else requestAnimationFrame(draw);
  if (later.length && typeof ResizeObserver !== 'undefined') {
    const entry = charts.get(id);
    if (entry) {
      entry.observer = new ResizeObserver(() => entry.charts.forEach((c) => c.resize()));
      entry.observer.observe(root);
    }
  }
}

function dispose(id: string): void {
  const e = charts.get(id);
  if (!e) return;
  e.observer?.disconnect();
  e.charts.forEach((c) => c.dispose());
  charts.delete(id);
}

export function activate(ctx: RendererContext) {
  return {
    renderOutputItem(item: OutputItem, element: HTMLElement): void {
      dispose(item.id);
      clear(element);
      ensureStyle(element.ownerDocument);
      const root = h('div', { class: 'clirnb' });
      append(element, root);
      let payload: Payload;
      try {
        payload = item.json() as Payload;
        if (!payload || typeof payload !== 'object' || !payload.data || typeof (payload.data as { kind?: unknown }).kind !== 'string') throw new Error('unexpected output');
      } catch (e) {
        append(root, h('div', { class: 'clirnb-warn' }, `Cannot show this CLIR output: ${e instanceof Error ? e.message : String(e)}`));
        return;
      }
      try {
        render(payload, root, ctx, item.id);
      } catch (e) {
        append(root, h('div', { class: 'clirnb-warn' }, `Cannot show this CLIR output: ${e instanceof Error ? e.message : String(e)}`));
      }
    },
    disposeOutputItem(id?: string): void {
      if (id) dispose(id);
      else for (const k of [...charts.keys()]) dispose(k);
    },
  };
}
