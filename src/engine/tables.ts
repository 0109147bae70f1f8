/**
 * Read-only view of the experiment and judgement tables in the index store, for the tree views.
 * The experiment layer owns those tables; until they exist this reports a helpful empty state.
 */
import * as fs from 'node:fs';
import Database from 'better-sqlite3';
import type { TableListing } from './protocol';

const CANDIDATES: Record<'experiments' | 'judgements', string[]> = {
  experiments: ['experiments', 'experiment', 'runs'],
  judgements: ['judgements', 'judgments', 'qrels'],
};
const LABEL_COLUMNS = ['name', 'title', 'label', 'query_id', 'topic_id', 'qid', 'id'];

type Row = Record<string, unknown>;

export function listTable(dbPath: string, which: 'experiments' | 'judgements'): TableListing {
  if (!fs.existsSync(dbPath)) return { available: false, reason: 'The index has not been created yet.', items: [] };
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const tables = new Set(
      (db.prepare("select name from sqlite_master where type in ('table','view')").all() as { name: string }[]).map((r) => r.name),
    );
    const table = CANDIDATES[which].find((t) => tables.has(t));
    if (!table) {
      return {
        available: false,
        reason: which === 'experiments'
          ? 'This index has no experiments yet.'
          : 'This index has no relevance judgements yet.',
        items: [],
      };
    }
    const cols = (db.prepare(`pragma table_info("${table}")`).all() as { name: string }[]).map((c) => c.name);
    const labelCol = LABEL_COLUMNS.find((c) => cols.includes(c)) ?? cols[0];
    const order = cols.includes('created_at') ? 'created_at desc' : 'rowid desc';
    const rows = db.prepare(`select rowid as __rowid, * from "${table}" order by ${order} limit 500`).all() as Row[];
    return {
      available: true,
      items: rows.map((r) => {
        const rest = cols.filter((c) => c !== labelCol).slice(0, 4)
          .map((c) => `${c}: ${fmt(r[c])}`);
        return {
          id: String(r['id'] ?? r['__rowid']),
          label: fmt(r[labelCol]),
          description: rest.slice(0, 2).join(' · '),
          tooltip: cols.map((c) => `${c}: ${fmt(r[c])}`).join('\n'),
        };
      }),
    };
  } finally {
    db.close();
  }
}

function fmt(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.length > 80 ? v.slice(0, 77) + '...' : v;
  if (Buffer.isBuffer(v)) return `<${v.length} bytes>`;
  return String(v);
}
