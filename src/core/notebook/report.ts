/**
 * Exports a notebook (with its stored outputs) as a self-contained report: Markdown, or one HTML
 * file with inline CSS, inline SVG charts, every text escaped and no scripts. Each clir cell shows
 * its configuration, its results, elapsed time / provider / reuse and the `clir` commands that
 * reproduce its numbers. No vscode import.
 */
import YAML from 'yaml';
import type { CellData, CellMeta } from './execute';
import { NbNotebook, NbOutput, OUTPUT_MIME } from './format';
import { ERROR_MIME, RendererPayload, statusLine } from './outputs';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const fmt = (x: number | null | undefined, d = 4) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d));

function payloadOf(o: NbOutput): RendererPayload | undefined {
  const it = o.items.find((i) => i.mime === OUTPUT_MIME);
  const p = it?.data as RendererPayload | undefined;
  return p && typeof p === 'object' && p.data ? p : undefined;
}
function textOf(o: NbOutput, mime: string): string | undefined {
  const it = o.items.find((i) => i.mime === mime);
  return typeof it?.data === 'string' ? it.data : undefined;
}
function errorOf(o: NbOutput): string | undefined {
  const it = o.items.find((i) => i.mime === ERROR_MIME);
  return it ? String((it.data as { message?: string })?.message ?? it.data) : undefined;
}

export function notebookTitle(nb: NbNotebook, fallback = 'CLIR notebook'): string {
  if (typeof nb.metadata?.title === 'string') return nb.metadata.title;
  for (const c of nb.cells) {
    if (c.kind !== 'markdown') continue;
    const m = /^#\s+(.+)$/m.exec(c.source);
    if (m) return m[1].trim();
  }
  return fallback;
}

// Markdown --------------------------------------------------------------------------------------------

export function notebookToMarkdown(nb: NbNotebook, opts: { title?: string } = {}): string {
  const out: string[] = [];
  const title = opts.title ?? notebookTitle(nb);
  const hasTitle = nb.cells.some((c) => c.kind === 'markdown' && /^#\s/m.test(c.source));
  if (!hasTitle) out.push(`# ${title}`, '');
  out.push(`_Report exported from a CLIR notebook. Every result lists its configuration and the \`clir\` commands (run from the notebook's folder) that reproduce it._`, '');
  nb.cells.forEach((c, i) => {
    if (c.kind === 'markdown') {
      out.push(c.source.trimEnd(), '');
      return;
    }
    out.push(`### Cell ${i + 1}`, '', '```yaml', c.source.trimEnd(), '```', '');
    for (const o of c.outputs ?? []) {
      const err = errorOf(o);
      if (err !== undefined) {
        out.push(...err.split('\n').map((l) => `> **Error:** ${l}`), '');
        continue;
      }
      const md = textOf(o, 'text/markdown');
      if (md) out.push(md.trimEnd(), '');
      const p = payloadOf(o);
      if (p?.meta) out.push('<details><summary>Configuration</summary>', '', '```yaml', YAML.stringify(p.meta.config).trimEnd(), '```', '</details>', '');
    }
    if (!c.outputs?.length) out.push('_Not run._', '');
  });
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

// HTML ------------------------------------------------------------------------------------------------

/** Inline Markdown (escaped): code, bold, italic, links (http(s) and relative only). */
function inline(s: string): string {
  const parts = s.split(/(`[^`]+`)/g);
  return parts.map((p) => {
    if (/^`[^`]+`$/.test(p)) return `<code>${escapeHtml(p.slice(1, -1))}</code>`;
    let t = escapeHtml(p);
    t = t.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_m, label: string, href: string) => {
      const raw = href.replace(/&amp;/g, '&');
      return /^(https?:|\.{0,2}\/|[\w.-]+(\/|$))/i.test(raw) && !/^\s*(javascript|data|vbscript):/i.test(raw) ? `<a href="${escapeHtml(raw).replace(/&amp;amp;/g, '&amp;')}">${label}</a>` : label;
    });
    t = t.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>').replace(/(^|[^\w*])\*([^*\s][^*]*)\*/g, '$1<em>$2</em>').replace(/(^|\W)_([^_\s][^_]*)_(?=\W|$)/g, '$1<em>$2</em>');
    return t;
  }).join('');
}

/** A small, safe Markdown → HTML converter for markdown cells (headings, lists, tables, code, quotes). */
export function markdownToHtml(md: string): string {
  const lines = md.replace(/\r\n/g, '\n').split('\n');
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const l = lines[i];
    if (/^```/.test(l)) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !/^```/.test(lines[i])) body.push(lines[i++]);
      i++;
      out.push(`<pre><code>${escapeHtml(body.join('\n'))}</code></pre>`);
      continue;
    }
    const h = /^(#{1,6})\s+(.*)$/.exec(l);
    if (h) {
      out.push(`<h${h[1].length}>${inline(h[2])}</h${h[1].length}>`);
      i++;
      continue;
    }
    if (/^\|.*\|\s*$/.test(l) && i + 1 < lines.length && /^\|[\s:|-]+\|\s*$/.test(lines[i + 1])) {
      const cells = (x: string) => x.trim().replace(/^\||\|$/g, '').split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
      const head = cells(l);
      i += 2;
      const rows: string[][] = [];
      while (i < lines.length && /^\|.*\|\s*$/.test(lines[i])) rows.push(cells(lines[i++]));
      out.push(`<table><thead><tr>${head.map((c) => `<th>${inline(c)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`);
      continue;
    }
    if (/^\s*([-*]|\d+\.)\s+/.test(l)) {
      const ordered = /^\s*\d+\./.test(l);
      const items: string[] = [];
      while (i < lines.length && /^\s*([-*]|\d+\.)\s+/.test(lines[i])) items.push(lines[i++].replace(/^\s*([-*]|\d+\.)\s+/, ''));
      out.push(`<${ordered ? 'ol' : 'ul'}>${items.map((x) => `<li>${inline(x)}</li>`).join('')}</${ordered ? 'ol' : 'ul'}>`);
      continue;
    }
    if (/^>\s?/.test(l)) {
      const q: string[] = [];
      while (i < lines.length && /^>\s?/.test(lines[i])) q.push(lines[i++].replace(/^>\s?/, ''));
      out.push(`<blockquote>${inline(q.join(' '))}</blockquote>`);
      continue;
    }
    if (!l.trim() || /^<\/?details>|^<summary>/.test(l.trim())) {
      i++;
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && lines[i].trim() && !/^(#{1,6}\s|```|\||>|\s*([-*]|\d+\.)\s)/.test(lines[i])) para.push(lines[i++]);
    if (!para.length) para.push(lines[i++]);
    out.push(`<p>${inline(para.join(' '))}</p>`);
  }
  return out.join('\n');
}

const CSS = `
body{font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1f2328;background:#fff;max-width:1100px;margin:24px auto;padding:0 24px}
h1,h2,h3{line-height:1.25}h3.cell{font-size:13px;color:#59636e;margin:28px 0 6px;font-weight:600;text-transform:uppercase;letter-spacing:.04em}
pre{background:#f6f8fa;border:1px solid #d1d9e0;border-radius:6px;padding:10px 12px;overflow:auto;font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f6f8fa;padding:1px 4px;border-radius:4px}pre code{background:none;padding:0}
table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border:1px solid #d1d9e0;padding:3px 8px;text-align:left;vertical-align:top}th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
.out{border-left:3px solid #0969da;padding:4px 0 4px 14px;margin:8px 0 16px}.err{border-left-color:#cf222e;color:#cf222e;white-space:pre-wrap}.stale{border-left-color:#9a6700;color:#9a6700}
.status{color:#59636e;font-size:12px}.up{color:#1a7f37;font-weight:600}.down{color:#cf222e;font-weight:600}.base{color:#59636e}
details{margin:6px 0}summary{cursor:pointer;color:#59636e;font-size:12px}.snippet{color:#424a53;font-size:12px}.muted{color:#59636e}
blockquote{margin:6px 0;padding-left:10px;border-left:3px solid #d1d9e0;color:#59636e}
`;

function deltaSvg(items: { qid: string; delta: number | null }[], label: string): string {
  const xs = [...items].sort((a, b) => (b.delta ?? 0) - (a.delta ?? 0));
  const w = 760;
  const h = 160;
  const max = Math.max(1e-9, ...xs.map((x) => Math.abs(x.delta ?? 0)));
  const bw = Math.max(1, (w - 40) / Math.max(1, xs.length));
  const mid = h / 2;
  const bars = xs.map((x, i) => {
    const d = x.delta ?? 0;
    const len = (Math.abs(d) / max) * (mid - 14);
    const y = d >= 0 ? mid - len : mid;
    return `<rect x="${(30 + i * bw).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(0.8, bw - 1).toFixed(1)}" height="${Math.max(0.5, len).toFixed(1)}" fill="${d >= 0 ? '#1a7f37' : '#cf222e'}"><title>${escapeHtml(`${x.qid}: ${fmt(x.delta)}`)}</title></rect>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" role="img" aria-label="${escapeHtml(label)}"><text x="4" y="12" font-size="11" fill="#59636e">${escapeHtml(label)}</text><text x="4" y="${mid - 2}" font-size="10" fill="#59636e">+${fmt(max, 2)}</text><line x1="28" x2="${w}" y1="${mid}" y2="${mid}" stroke="#8c959f" stroke-width="1"/>${bars.join('')}</svg>`;
}

function heat(v: number | null): string {
  const x = Math.max(0, Math.min(1, v ?? 0));
  const r = Math.round(255 - x * (255 - 9));
  const g = Math.round(255 - x * (255 - 105));
  const b = Math.round(255 - x * (255 - 218));
  return `background:rgb(${r},${g},${b});color:${x > 0.55 ? '#fff' : '#1f2328'}`;
}

function dataHtml(d: CellData | RendererPayload['data']): string {
  switch (d.kind) {
    case 'collection':
      return `<p><strong>${escapeHtml(d.name)}</strong> (${escapeHtml(d.sourceKind)} <code>${escapeHtml(d.source)}</code>): ${d.documents} documents, ${d.chunks} chunks; topics ${d.topics}, qrels ${d.qrels}; corpus snapshot <code>${escapeHtml(d.corpusHash)}</code>.</p>` +
        `<table><tr><th>language</th>${Object.keys(d.languages).sort().map((l) => `<th>${escapeHtml(l)}</th>`).join('')}</tr><tr><td>documents</td>${Object.keys(d.languages).sort().map((l) => `<td class="num">${d.languages[l]}</td>`).join('')}</tr></table>`;
    case 'pipelines':
      return `<table><tr><th>pipeline</th><th>expression</th><th>encoders</th><th>rerankers</th></tr>${d.pipelines.map((p) => `<tr><td>${escapeHtml(p.name)}</td><td><code>${escapeHtml(p.expression)}</code></td><td>${escapeHtml(p.encoders.join(', ') || '–')}</td><td>${escapeHtml(p.rerankers.join(', ') || '–')}</td></tr>`).join('')}</table>`;
    case 'search':
      return `<p>Query <code>${escapeHtml(d.query)}</code> (${escapeHtml(d.queryLang)}) with <strong>${escapeHtml(d.pipeline)}</strong> <code>${escapeHtml(d.expression)}</code></p><table><tr><th>#</th><th>document</th><th>lang</th><th>score</th><th>snippet</th></tr>${d.hits.map((h) => `<tr><td class="num">${h.rank}</td><td>${h.path ? `<a href="${escapeHtml(encodeURI(h.path))}">${escapeHtml(h.title ?? h.docId)}</a>` : escapeHtml(h.title ?? h.docId)}</td><td>${escapeHtml(h.lang)}</td><td class="num">${fmt(h.score)}</td><td class="snippet">${escapeHtml(h.snippet)}</td></tr>`).join('')}</table>`;
    case 'run':
      return `<p>${d.topics.count} topics from <code>${escapeHtml(d.topics.source)}</code>.</p><table><tr><th>run</th><th>pipeline</th><th>experiment</th><th>queries</th><th>provider</th><th>p50 latency</th><th>wall</th><th></th></tr>${d.runs.map((r) => `<tr><td>${escapeHtml(r.name)}</td><td><code>${escapeHtml(r.expression)}</code></td><td class="num">#${r.experimentId}</td><td class="num">${r.queries}</td><td>${escapeHtml(r.provider)}</td><td class="num">${r.latencyP50Ms !== undefined ? r.latencyP50Ms.toFixed(1) + ' ms' : '–'}</td><td class="num">${r.wallSeconds.toFixed(2)} s</td><td>${r.reused ? 'reused' : 'new'}</td></tr>`).join('')}</table>`;
    case 'evaluate': {
      const v = d.view;
      const table = `<p class="muted">Baseline <strong>${escapeHtml(v.baseline)}</strong>; ${escapeHtml(v.test)} test, ${escapeHtml(v.correction)} correction, α = ${v.alpha}. <span class="up">▲</span>/<span class="down">▼</span>: significantly better/worse than the baseline.</p>` +
        `<table><tr><th>run</th>${v.measures.map((m) => `<th>${escapeHtml(m)}</th>`).join('')}</tr>${v.table.map((r) => `<tr><td>${escapeHtml(r.run)}${r.isBaseline ? ' <span class="base">(baseline)</span>' : ''}</td>${r.cells.map((c) => `<td class="num">${fmt(c.mean)}${c.marker === '+' ? ' <span class="up">▲</span>' : c.marker === '-' ? ' <span class="down">▼</span>' : ''}${c.pAdjusted !== null ? `<br><span class="muted">p=${c.pAdjusted < 0.0001 ? '&lt;0.0001' : c.pAdjusted.toFixed(4)}</span>` : ''}</td>`).join('')}</tr>`).join('')}</table>`;
      const deltas = v.deltas.map((x) => deltaSvg(x.items, `per-query ${v.deltaMeasure}: ${x.run} − ${v.baseline}`)).join('');
      const pairs = d.showPairs ? v.heatmaps.map((hm) => `<p><strong>${escapeHtml(hm.measure)}</strong> by query language → document language (${escapeHtml(hm.run)})</p><table><tr><th>query \\ doc</th>${hm.docLangs.map((l) => `<th>${escapeHtml(l)}</th>`).join('')}</tr>${hm.queryLangs.map((ql) => `<tr><th>${escapeHtml(ql)}</th>${hm.docLangs.map((dl) => { const c = hm.cells.find((x) => x.queryLang === ql && x.docLang === dl); return c ? `<td class="num" style="${heat(c.value)}">${fmt(c.value, 2)}</td>` : '<td></td>'; }).join('')}</tr>`).join('')}</table>`).join('') : '';
      const bias = d.showBias ? `<p><strong>Language bias</strong>: share of same-language documents in the top ${v.k} vs among relevant documents</p><table><tr><th>run</th><th>query lang</th><th>top ${v.k}</th><th>relevant</th><th>bias</th></tr>${v.bias.flatMap((b) => b.rows.map((r) => `<tr><td>${escapeHtml(b.run)}</td><td>${escapeHtml(r.queryLang)}</td><td class="num">${fmt(r.topKSameLangShare, 3)}</td><td class="num">${fmt(r.relevantSameLangShare, 3)}</td><td class="num">${fmt(r.bias, 3)}</td></tr>`)).join('')}</table>` : '';
      return table + deltas + pairs + bias + v.notes.map((n) => `<blockquote>${escapeHtml(n)}</blockquote>`).join('');
    }
    case 'judge':
      return `<p>Judging pool: top ${d.depth} of ${d.runs.map((r) => `<strong>${escapeHtml(r.name)}</strong> (#${r.experimentId})`).join(', ')} — ${d.poolSize} pairs over ${d.queries} queries, ${d.unjudged} not judged yet.</p>`;
    case 'stale':
      return `<p>⚠ Out of date: the corpus changed${d.from ? ` (${escapeHtml(d.from)} → ${escapeHtml(d.to)})` : ''}.</p>`;
    case 'progress':
      return `<p>${escapeHtml(d.message)}</p>`;
  }
}

function metaHtml(meta: CellMeta): string {
  return `<p class="status">${escapeHtml(statusLine(meta))}</p>` +
    `<details><summary>Configuration</summary><pre><code>${escapeHtml(YAML.stringify(meta.config).trimEnd())}</code></pre></details>` +
    `<details open><summary>Reproduce with clir</summary><pre><code>${escapeHtml(meta.commands.join('\n'))}</code></pre></details>`;
}

export function notebookToHtml(nb: NbNotebook, opts: { title?: string } = {}): string {
  const title = opts.title ?? notebookTitle(nb);
  const body: string[] = [];
  if (!nb.cells.some((c) => c.kind === 'markdown' && /^#\s/m.test(c.source))) body.push(`<h1>${escapeHtml(title)}</h1>`);
  body.push(`<p class="muted">Report exported from a CLIR notebook. Every result lists its configuration and the <code>clir</code> commands (run from the notebook's folder) that reproduce it.</p>`);
  nb.cells.forEach((c, i) => {
    if (c.kind === 'markdown') {
      body.push(markdownToHtml(c.source));
      return;
    }
    body.push(`<h3 class="cell">Cell ${i + 1}</h3><pre><code>${escapeHtml(c.source.trimEnd())}</code></pre>`);
    if (!c.outputs?.length) body.push('<p class="muted">Not run.</p>');
    for (const o of c.outputs ?? []) {
      const err = errorOf(o);
      if (err !== undefined) {
        body.push(`<div class="out err">${escapeHtml(err)}</div>`);
        continue;
      }
      const p = payloadOf(o);
      if (p) {
        body.push(`<div class="out${p.data.kind === 'stale' ? ' stale' : ''}">${p.data.kind === 'stale' ? '' : `<p><strong>${escapeHtml(p.title)}</strong></p>`}${dataHtml(p.data)}${p.meta ? metaHtml(p.meta) : ''}</div>`);
        continue;
      }
      const md = textOf(o, 'text/markdown') ?? textOf(o, 'text/plain');
      if (md) body.push(`<div class="out">${markdownToHtml(md)}</div>`);
    }
  });
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${CSS}</style></head><body>\n${body.join('\n')}\n</body></html>\n`;
}
