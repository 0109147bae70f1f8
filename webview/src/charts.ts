/**
 * echarts (bundled; canvas renderer on screen, SVG renderer for SVG export) with colours read
 * from VS Code's theme CSS variables, so charts follow light, dark and high-contrast themes.
 * Tooltips use echarts' richText mode: labels are drawn on the canvas, never parsed as HTML.
 */
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent, VisualMapComponent, DataZoomComponent, MarkLineComponent } from 'echarts/components';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';
import type { BiasRow, DeltaItem, Heatmap } from '../../src/core/views/protocol';

echarts.use([BarChart, HeatmapChart, AriaComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent, VisualMapComponent, DataZoomComponent, MarkLineComponent, CanvasRenderer, SVGRenderer]);

export interface Palette {
  fg: string;
  bg: string;
  muted: string;
  lines: string;
  blue: string;
  red: string;
  green: string;
  yellow: string;
  orange: string;
  purple: string;
  font: string;
  highContrast: boolean;
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim() || getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

export function palette(): Palette {
  const dark = document.body.classList.contains('vscode-dark') || document.body.classList.contains('vscode-high-contrast');
  const highContrast = document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light');
  const fg = cssVar('--vscode-editor-foreground', dark ? '#cccccc' : '#333333');
  return {
    fg,
    bg: cssVar('--vscode-editor-background', dark ? '#1e1e1e' : '#ffffff'),
    muted: cssVar('--vscode-descriptionForeground', fg),
    lines: highContrast ? cssVar('--vscode-contrastBorder', fg) : cssVar('--vscode-charts-lines', dark ? 'rgba(204,204,204,0.5)' : 'rgba(51,51,51,0.5)'),
    blue: cssVar('--vscode-charts-blue', '#3794ff'),
    red: cssVar('--vscode-charts-red', '#f14c4c'),
    green: cssVar('--vscode-charts-green', '#89d185'),
    yellow: cssVar('--vscode-charts-yellow', '#cca700'),
    orange: cssVar('--vscode-charts-orange', '#d18616'),
    purple: cssVar('--vscode-charts-purple', '#b180d7'),
    font: cssVar('--vscode-font-family', 'sans-serif'),
    highContrast,
  };
}

type Option = echarts.EChartsCoreOption;

function base(p: Palette, title: string, description: string): Option {
  return {
    backgroundColor: 'transparent',
    textStyle: { color: p.fg, fontFamily: p.font },
    title: { text: title, left: 8, top: 4, textStyle: { color: p.fg, fontSize: 13, fontWeight: 'bold' } },
    aria: { enabled: true, label: { description } },
    animation: false,
    tooltip: { renderMode: 'richText', backgroundColor: p.bg, borderColor: p.lines, textStyle: { color: p.fg } },
  };
}

const axis = (p: Palette) => ({
  axisLine: { lineStyle: { color: p.lines, width: p.highContrast ? 2 : 1 } },
  axisTick: { lineStyle: { color: p.lines } },
  axisLabel: { color: p.fg },
  splitLine: { lineStyle: { color: p.lines, opacity: p.highContrast ? 0.6 : 0.25 } },
  nameTextStyle: { color: p.fg },
});

/** Per-query deltas (run - baseline), sorted from the largest gain to the largest loss. */
export function deltaOption(items: readonly DeltaItem[], run: string, baseline: string, measure: string, p: Palette): Option {
  const sorted = [...items].sort((a, b) => (b.delta ?? 0) - (a.delta ?? 0) || (a.qid < b.qid ? -1 : 1));
  const wins = sorted.filter((d) => (d.delta ?? 0) > 0).length;
  const losses = sorted.filter((d) => (d.delta ?? 0) < 0).length;
  return {
    ...base(p, `${measure}: ${run} − ${baseline} per query`, `Per-query difference in ${measure} between ${run} and ${baseline} for ${sorted.length} queries, sorted by size: ${wins} better, ${losses} worse.`),
    grid: { left: 64, right: 16, top: 40, bottom: sorted.length > 80 ? 72 : 56, containLabel: false },
    xAxis: { type: 'category', data: sorted.map((d) => d.qid), ...axis(p), axisLabel: { color: p.fg, rotate: 60, fontSize: 10, interval: sorted.length > 40 ? 'auto' : 0 } },
    yAxis: { type: 'value', name: `Δ ${measure}`, nameLocation: 'middle', nameGap: 44, ...axis(p) },
    dataZoom: sorted.length > 80 ? [{ type: 'inside' }, { type: 'slider', height: 14, bottom: 4, textStyle: { color: p.fg } }] : [],
    series: [
      {
        type: 'bar',
        name: 'delta',
        data: sorted.map((d) => ({
          value: d.delta ?? 0,
          qid: d.qid,
          itemStyle: { color: (d.delta ?? 0) >= 0 ? p.green : p.red, borderColor: p.highContrast ? p.fg : undefined, borderWidth: p.highContrast ? 1 : 0 },
        })),
        cursor: 'pointer',
      },
    ],
    tooltip: { ...(base(p, '', '').tooltip as object), trigger: 'item', formatter: (x: { dataIndex: number }) => { const d = sorted[x.dataIndex]; return `${d.qid} [${d.lang}]\n${measure}: ${fmt(d.base)} → ${fmt(d.value)} (Δ ${fmt(d.delta)})`; } },
  };
}

const fmt = (x: number | null): string => (x === null ? '–' : x.toFixed(3));
/** A share (0–1) as a percentage, e.g. 0.35000000000000003 -> "35.0%". */
const pct = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : `${(100 * x).toFixed(1)}%`);

/** A CSS colour in #rgb / #rrggbb / rgb() / rgba() form as [r, g, b] (0–255); undefined when not parseable. */
export function parseColour(colour: string): [number, number, number] | undefined {
  const c = colour.trim();
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})([0-9a-f]{2})?$/i.exec(c);
  if (hex) {
    const x = hex[1].length === 3 ? hex[1].split('').map((d) => d + d).join('') : hex[1];
    return [0, 2, 4].map((i) => parseInt(x.slice(i, i + 2), 16)) as [number, number, number];
  }
  const rgb = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/i.exec(c);
  return rgb ? [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])] : undefined;
}

/** WCAG relative luminance (0 black – 1 white). */
export function luminance(rgb: readonly [number, number, number]): number {
  const lin = (c: number) => { const v = c / 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2]);
}

const contrast = (a: number, b: number): number => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);

/**
 * Metric per (query language → document language). The colour encodes the value (dimension 2 of
 * `[docLang, queryLang, value, n]`; n, the number of queries, only appears in the tooltip) on a
 * labelled 0–1 scale from the background colour to the theme's blue. Pairs without a value
 * (no relevant documents in that language) stay empty and are labelled "–".
 */
export function heatmapOption(h: Heatmap, p: Palette): Option {
  const lo = parseColour(p.bg);
  const hi = parseColour(p.blue);
  /** The label colour (foreground or background) that contrasts most with the cell's colour. */
  const labelColour = (v: number): string => {
    if (!lo || !hi) return p.fg;
    const cell = lo.map((c, i) => c + (hi[i] - c) * v) as [number, number, number];
    const fg = parseColour(p.fg);
    const lc = luminance(cell);
    if (!fg) return p.fg;
    return contrast(lc, luminance(fg)) >= contrast(lc, luminance(lo)) ? p.fg : p.bg;
  };
  const data = h.cells.map((c) => ({
    value: [h.docLangs.indexOf(c.docLang), h.queryLangs.indexOf(c.queryLang), c.value === null ? '-' : c.value, c.n],
    label: { color: c.value === null ? p.muted : labelColour(Math.max(0, Math.min(1, c.value))) },
  }));
  const valueOf = (x: { value: (number | string)[] }): number | null => (typeof x.value[2] === 'number' ? x.value[2] : null);
  return {
    ...base(p, `${h.measure} by query → document language (${h.run})`, `Heatmap of ${h.measure} for run ${h.run}: rows are query languages, columns document languages; the stronger the colour, the higher the value (0 to 1).`),
    grid: { left: 64, right: 84, top: 40, bottom: 48 },
    xAxis: { type: 'category', data: h.docLangs, name: 'document language', nameLocation: 'middle', nameGap: 28, ...axis(p), splitArea: { show: false } },
    yAxis: { type: 'category', data: h.queryLangs, name: 'query language', nameLocation: 'middle', nameGap: 40, ...axis(p) },
    visualMap: {
      type: 'continuous',
      dimension: 2,
      seriesIndex: 0,
      min: 0,
      max: 1,
      precision: 2,
      calculable: false,
      orient: 'vertical',
      right: 12,
      top: 'middle',
      itemHeight: 120,
      text: ['1.00', '0.00'],
      textGap: 6,
      textStyle: { color: p.fg, fontSize: 10 },
      inRange: { color: [p.bg, p.blue] },
    },
    series: [
      {
        type: 'heatmap',
        data,
        label: { show: h.docLangs.length <= 14, fontSize: 10, formatter: (x: { value: (number | string)[] }) => { const v = valueOf(x); return v === null ? '–' : v.toFixed(2); } },
        itemStyle: { borderColor: p.lines, borderWidth: p.highContrast ? 1 : 0.5 },
      },
    ],
    tooltip: {
      ...(base(p, '', '').tooltip as object),
      trigger: 'item',
      formatter: (x: { componentType?: string; value: (number | string)[] }) => {
        if (x.componentType !== 'series' || !Array.isArray(x.value)) return '';
        const v = valueOf(x);
        const n = Number(x.value[3]);
        return `${h.queryLangs[Number(x.value[1])]} → ${h.docLangs[Number(x.value[0])]}\n${h.measure}: ${v === null ? 'no relevant documents' : v.toFixed(4)}\n${n} ${n === 1 ? 'query' : 'queries'}`;
      },
    },
  };
}

/** Share of same-language documents in the top k versus among relevant documents. */
export function biasOption(rows: readonly BiasRow[], run: string, k: number, p: Palette): Option {
  return {
    ...base(p, `Same-language share: top ${k} vs relevant (${run})`, `For each query language, the share of documents in the query's language among the top ${k} of ${run} and among the relevant documents.`),
    grid: { left: 48, right: 16, top: 56, bottom: 32 },
    legend: { top: 24, textStyle: { color: p.fg }, data: [`top ${k}`, 'relevant'] },
    xAxis: { type: 'category', data: rows.map((r) => r.queryLang), ...axis(p) },
    series: [
      { type: 'bar', name: `top ${k}`, data: rows.map((r) => r.topKSameLangShare ?? 0), itemStyle: { color: p.orange, borderColor: p.highContrast ? p.fg : undefined, borderWidth: p.highContrast ? 1 : 0 } },
      { type: 'bar', name: 'relevant', data: rows.map((r) => r.relevantSameLangShare ?? 0), itemStyle: { color: p.purple, borderColor: p.highContrast ? p.fg : undefined, borderWidth: p.highContrast ? 1 : 0, decal: p.highContrast ? { symbol: 'rect', dashArrayX: [1, 0], dashArrayY: [2, 3], rotation: 0.8 } : undefined } },
    ],
    tooltip: {
      ...(base(p, '', '').tooltip as object),
      trigger: 'axis',
      formatter: (xs: { dataIndex: number }[]) => {
        const r = rows[xs[0]?.dataIndex ?? -1];
        if (!r) return '';
        return `query language ${r.queryLang} (${r.n} ${r.n === 1 ? 'query' : 'queries'})\nsame language in the top ${k}: ${pct(r.topKSameLangShare)}\nsame language among relevant: ${pct(r.relevantSameLangShare)}${r.bias !== null ? `\nbias: ${r.bias >= 0 ? '+' : ''}${(100 * r.bias).toFixed(1)} points` : ''}`;
      },
    },
    yAxis: { type: 'value', min: 0, max: 1, ...axis(p), axisLabel: { color: p.fg, formatter: (v: number) => `${Math.round(100 * v)}%` } },
  };
}

export class Chart {
  private chart: echarts.ECharts | undefined;
  private option: Option | undefined;
  constructor(readonly el: HTMLElement) {}

  set(option: Option, onClick?: (dataIndex: number, data: unknown) => void): void {
    this.option = option;
    if (!this.chart) this.chart = echarts.init(this.el, undefined, { renderer: 'canvas' });
    this.chart.setOption(option, true);
    this.chart.off('click');
    if (onClick) this.chart.on('click', (ev: { dataIndex: number; data: unknown }) => onClick(ev.dataIndex, ev.data));
  }

  resize(): void {
    this.chart?.resize();
  }

  /** PNG as base64 (no data: prefix). */
  png(background: string): string {
    if (!this.chart) throw new Error('no chart');
    const url = this.chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: background });
    return url.slice(url.indexOf(',') + 1);
  }

  /** The same chart rendered by the SVG renderer (server-side mode: no DOM). */
  svg(background: string): string {
    if (!this.option) throw new Error('no chart');
    const w = this.el.clientWidth || 800;
    const hgt = this.el.clientHeight || 400;
    const c = echarts.init(null, undefined, { renderer: 'svg', ssr: true, width: w, height: hgt });
    try {
      c.setOption({ ...this.option, backgroundColor: background });
      return c.renderToSVGString();
    } finally {
      c.dispose();
    }
  }

  dispose(): void {
    this.chart?.dispose();
    this.chart = undefined;
  }
}
