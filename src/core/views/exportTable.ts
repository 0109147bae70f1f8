/**
 * CSV and Markdown renderings of the comparison table as the webview shows it. Pure: the webview
 * bundle imports this module too.
 */
import type { ComparisonView } from './protocol';

const fmt = (x: number | null, digits = 4): string => (x === null ? '' : x.toFixed(digits));

function csvCell(s: string): string {
  // Quote when needed; neutralise spreadsheet formulas (a cell starting with = + - @).
  let v = s;
  if (/^[=+\-@\t\r]/.test(v) && !/^-?\d/.test(v)) v = `'${v}`;
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function comparisonToCsv(view: ComparisonView): string {
  const head = ['run', 'measure', 'mean', 'delta', 'p_raw', 'p_adjusted', 'significant', 'wins', 'ties', 'losses'];
  const lines = [head.join(',')];
  for (const row of view.table) {
    for (const c of row.cells) {
      lines.push(
        [
          row.run + (row.isBaseline ? ' (baseline)' : ''),
          c.measure,
          fmt(c.mean),
          fmt(c.delta),
          fmt(c.pRaw),
          fmt(c.pAdjusted),
          c.marker,
          c.wins === null ? '' : String(c.wins),
          c.ties === null ? '' : String(c.ties),
          c.losses === null ? '' : String(c.losses),
        ]
          .map(csvCell)
          .join(','),
      );
    }
  }
  return lines.join('\n') + '\n';
}

function mdCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

/** One row per run, one column per measure: `mean marker` (and W/T/L for non-baseline runs). */
export function comparisonToMarkdown(view: ComparisonView): string {
  const head = ['Run', ...view.measures];
  const lines = [`| ${head.map(mdCell).join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const row of view.table) {
    const cells = view.measures.map((m) => {
      const c = row.cells.find((x) => x.measure === m);
      if (!c) return '';
      const mark = c.marker ? ` ${c.marker}` : '';
      const wtl = row.isBaseline || c.wins === null ? '' : ` (${c.wins}/${c.ties}/${c.losses})`;
      return `${fmt(c.mean)}${mark}${wtl}`;
    });
    lines.push(`| ${[row.run + (row.isBaseline ? ' (baseline)' : ''), ...cells].map(mdCell).join(' | ')} |`);
  }
  const legend = `\n+/-: significantly better/worse than ${view.baseline} (${view.test}, ${view.correction} correction, adjusted p < ${view.alpha}). (W/T/L): per-query wins/ties/losses.\n`;
  return lines.join('\n') + '\n' + legend;
}
