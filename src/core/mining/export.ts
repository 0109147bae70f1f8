/**
 * Exports of mined examples in the shapes sentence-transformers trains from:
 *
 *  - biencoder: `anchor, positive, negative_1 … negative_n` (MultipleNegativesRankingLoss and friends)
 *  - crossencoder: `query, passage, label` (1 for the positive, 0 for each negative; BinaryCrossEntropyLoss)
 *
 * as JSONL (one object per line) or CSV (RFC 4180, header row). Provenance (pipeline name and hash,
 * the mining run, ranks, first-stage and judge scores, document ids and languages) goes to a sidecar
 * `<out>.provenance.jsonl` (one line per row, same order), or — with provenance 'columns' — into extra
 * columns (drop them before training: `dataset.select_columns([...])`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MinedExample, MiningResult } from './mine';

export type ExportFormat = 'biencoder' | 'crossencoder';
export type ExportSyntax = 'jsonl' | 'csv';
export type ProvenanceMode = 'sidecar' | 'columns' | 'none';

export interface ExportOptions {
  format: ExportFormat;
  syntax?: ExportSyntax;
  provenance?: ProvenanceMode;
  miningRun?: number;
}

export interface ExportTable {
  columns: string[];
  rows: Record<string, string | number>[];
  provenance: Record<string, unknown>[];
}

/** Builds the rows (and their provenance) without writing anything. */
export function exportTable(r: Pick<MiningResult, 'pipeline' | 'pipelineHash' | 'options' | 'examples'>, opts: ExportOptions): ExportTable {
  const base = { pipeline: r.pipeline, pipelineHash: r.pipelineHash, ...(opts.miningRun !== undefined ? { miningRun: opts.miningRun } : {}) };
  const cols = opts.provenance === 'columns';
  const rows: Record<string, string | number>[] = [];
  const prov: Record<string, unknown>[] = [];
  const info = (c: { docId?: string; rank?: number; score?: number; judge?: number; lang: string }) => ({
    docKey: c.docId ?? null, // the provenance file's field: exported files keep `docKey` (users script against them)
    lang: c.lang,
    rank: c.rank ?? null,
    score: c.score ?? null,
    ...(c.judge !== undefined ? { judge: c.judge } : {}),
  });
  if (opts.format === 'biencoder') {
    const n = Math.max(0, ...r.examples.map((e) => e.negatives.length));
    const columns = ['anchor', 'positive', ...Array.from({ length: n }, (_, i) => `negative_${i + 1}`)];
    if (cols) {
      columns.push('qid', 'pipeline', 'pipeline_hash', 'positive_id', 'positive_rank', 'positive_score');
      for (let i = 1; i <= n; i++) columns.push(`negative_${i}_id`, `negative_${i}_rank`, `negative_${i}_score`);
    }
    r.examples.forEach((e: MinedExample, row) => {
      const out: Record<string, string | number> = { anchor: e.query, positive: e.positive.text };
      e.negatives.forEach((neg, i) => (out[`negative_${i + 1}`] = neg.text));
      if (cols) {
        Object.assign(out, {
          qid: e.qid,
          pipeline: r.pipeline,
          pipeline_hash: r.pipelineHash,
          positive_id: e.positive.docId ?? '',
          positive_rank: e.positive.rank ?? '',
          positive_score: e.positive.score ?? '',
        });
        e.negatives.forEach((neg, i) => {
          out[`negative_${i + 1}_id`] = neg.docId;
          out[`negative_${i + 1}_rank`] = neg.rank;
          out[`negative_${i + 1}_score`] = neg.score;
        });
      }
      rows.push(out);
      prov.push({ row, qid: e.qid, queryLang: e.queryLang, ...base, positive: info(e.positive), negatives: e.negatives.map(info) });
    });
    return { columns, rows, provenance: prov };
  }
  const columns = ['query', 'passage', 'label'];
  if (cols) columns.push('qid', 'pipeline', 'pipeline_hash', 'doc_id', 'rank', 'score');
  for (const e of r.examples) {
    const items = [
      { label: 1, c: e.positive },
      ...e.negatives.map((c) => ({ label: 0, c })),
    ];
    for (const { label, c } of items) {
      const out: Record<string, string | number> = { query: e.query, passage: c.text, label };
      if (cols) Object.assign(out, { qid: e.qid, pipeline: r.pipeline, pipeline_hash: r.pipelineHash, doc_id: c.docId ?? '', rank: c.rank ?? '', score: c.score ?? '' });
      prov.push({ row: rows.length, qid: e.qid, queryLang: e.queryLang, role: label ? 'positive' : 'negative', label, ...base, ...info(c) });
      rows.push(out);
    }
  }
  return { columns, rows, provenance: prov };
}

function csvCell(v: string | number | undefined): string {
  const s = v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(t: Pick<ExportTable, 'columns' | 'rows'>): string {
  const lines = [t.columns.map(csvCell).join(',')];
  for (const r of t.rows) lines.push(t.columns.map((c) => csvCell(r[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}

export function toJsonl(t: Pick<ExportTable, 'columns' | 'rows'>): string {
  return t.rows.map((r) => JSON.stringify(Object.fromEntries(t.columns.filter((c) => r[c] !== undefined).map((c) => [c, r[c]])))).join('\n') + (t.rows.length ? '\n' : '');
}

/** RFC 4180 CSV → rows of strings (first row = header). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

export function syntaxFor(file: string, explicit?: ExportSyntax): ExportSyntax {
  if (explicit) return explicit;
  return /\.csv$/i.test(file) ? 'csv' : 'jsonl';
}

/** Writes the export (atomically) and, unless provenance is 'columns' or 'none', the sidecar. Returns the files written. */
export function writeExport(
  file: string,
  r: Pick<MiningResult, 'pipeline' | 'pipelineHash' | 'options' | 'examples'>,
  opts: ExportOptions,
): { file: string; provenance?: string; rows: number; columns: string[] } {
  const t = exportTable(r, opts);
  const syntax = syntaxFor(file, opts.syntax);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const write = (f: string, body: string) => {
    const tmp = `${f}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, body);
    fs.renameSync(tmp, f);
  };
  write(file, syntax === 'csv' ? toCsv(t) : toJsonl(t));
  let provenance: string | undefined;
  if ((opts.provenance ?? 'sidecar') === 'sidecar') {
    provenance = `${file}.provenance.jsonl`;
    write(provenance, t.provenance.map((p) => JSON.stringify(p)).join('\n') + (t.provenance.length ? '\n' : ''));
  }
  return { file, provenance, rows: t.rows.length, columns: t.columns };
}
