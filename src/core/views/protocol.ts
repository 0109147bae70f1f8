/**
 * The message protocol between the Workbench webview and the extension host. Both sides import
 * this module (the webview through its esbuild bundle) and validate every message they receive
 * with `validateToHost` / `validateToWebview`; invalid messages are rejected and logged.
 *
 * Pure TypeScript: no Node, DOM or `vscode` imports.
 */
import { arr, bool, Infer, lit, nullable, num, obj, oneOf, opt, pair, record, str, tagged } from './schema';

export const PROTOCOL_VERSION = 1;

const id = str({ max: 512, min: 1 });
const name = str({ max: 512 });
const text = str({ max: 20_000 });
const lang = str({ max: 16 });
const measure = str({ max: 64, pattern: /^[A-Za-z0-9_.]+$/ });
const grade = num({ int: true, min: 0, max: 3 });
const count = num({ int: true, min: 0 });
const value = nullable(num());
const highlights = arr(pair(num({ int: true, min: 0 }), num({ int: true, min: 0 })), 2000);

// ---------------------------------------------------------------------------------------------
// Payload pieces (host -> webview)
// ---------------------------------------------------------------------------------------------

export const runInfoSchema = obj({
  id,
  name,
  pipeline: opt(name),
  createdAt: opt(name),
  queries: count,
});

export const topicInfoSchema = obj({ qid: id, text, lang });

export const tableCellSchema = obj({
  measure,
  mean: value,
  /** Mean per-query difference to the baseline (null for the baseline row). */
  delta: value,
  pRaw: value,
  pAdjusted: value,
  marker: oneOf('+', '-', ''),
  wins: nullable(count),
  ties: nullable(count),
  losses: nullable(count),
});

export const tableRowSchema = obj({ run: name, isBaseline: bool, cells: arr(tableCellSchema, 100) });

export const deltaItemSchema = obj({ qid: id, lang, text, base: value, value, delta: value });

export const heatmapSchema = obj({
  run: name,
  measure,
  queryLangs: arr(lang, 500),
  docLangs: arr(lang, 500),
  cells: arr(obj({ queryLang: lang, docLang: lang, value: value, n: count }), 250_000),
});

export const biasRowSchema = obj({
  queryLang: lang,
  n: count,
  topKSameLangShare: value,
  relevantSameLangShare: value,
  bias: value,
});

export const comparisonViewSchema = obj({
  baseline: name,
  runs: arr(name, 50),
  /** Topics answered by the compared runs, and how many of them have any relevance judgement (0: every measure is 0). */
  topics: opt(count),
  judgedTopics: opt(count),
  measures: arr(measure, 50),
  test: name,
  correction: name,
  alpha: num({ min: 0, max: 1 }),
  table: arr(tableRowSchema, 50),
  notes: arr(text, 20),
  deltaMeasure: measure,
  deltas: arr(obj({ run: name, items: arr(deltaItemSchema) }), 50),
  heatmapMeasure: measure,
  heatmaps: arr(heatmapSchema, 50),
  k: num({ int: true, min: 1 }),
  bias: arr(obj({ run: name, rows: arr(biasRowSchema, 500) }), 50),
});

export const movementSchema = oneOf('up', 'down', 'same', 'entered', 'left', 'only');

export const diffEntrySchema = obj({
  docId: id,
  rank: num({ int: true, min: 1 }),
  score: value,
  rel: nullable(num({ int: true, min: -10, max: 10 })),
  lang,
  title: opt(name),
  snippet: text,
  highlights,
  movement: movementSchema,
  /** Rank of the same document in the other run (null when not retrieved there). */
  otherRank: nullable(num({ int: true, min: 1 })),
});

export const runDiffViewSchema = obj({
  qid: id,
  query: obj({ text, lang }),
  runA: name,
  runB: name,
  k: num({ int: true, min: 1 }),
  a: arr(diffEntrySchema, 10_000),
  b: arr(diffEntrySchema, 10_000),
  summary: obj({ entered: count, left: count, moved: count, unjudged: count }),
  metrics: arr(obj({ measure, a: value, b: value }), 20),
});

export const poolItemSchema = obj({
  qid: id,
  docId: id,
  lang,
  title: opt(name),
  path: opt(str({ max: 4096 })),
  text,
  highlights,
  start: opt(num({ int: true, min: 0 })),
  end: opt(num({ int: true, min: 0 })),
  /** This assessor's grade (or the imported qrels label), null when not judged yet. */
  grade: nullable(grade),
  /** The grade is the imported qrels label (this assessor has not judged the pair). */
  imported: opt(bool),
  note: opt(str({ max: 2000 })),
  /** Number of other assessors who judged this pair. */
  others: count,
});

export const poolViewSchema = obj({
  poolId: id,
  assessor: name,
  description: text,
  queries: arr(topicInfoSchema, 100_000),
  items: arr(poolItemSchema),
  /** Where to resume: index of the first item this assessor has not judged (host-computed). */
  position: count,
});

export const agreementViewSchema = obj({
  assessors: arr(obj({ assessor: name, judged: count }), 1000),
  pairs: arr(
    obj({
      a: name,
      b: name,
      n: count,
      observed: value,
      kappa: value,
      binaryKappa: value,
      weightedKappa: value,
    }),
    10_000,
  ),
});

// ---------------------------------------------------------------------------------------------
// Webview -> host
// ---------------------------------------------------------------------------------------------

const poolSource = tagged({
  runs: obj({ type: lit('runs'), runs: arr(id, 50), depth: num({ int: true, min: 1, max: 1000 }), qids: opt(arr(id, 100_000)) }),
  search: obj({
    type: lit('search'),
    query: str({ max: 2000, min: 1 }),
    qid: opt(id),
    lang: opt(lang),
    depth: num({ int: true, min: 1, max: 1000 }),
  }),
  diff: obj({ type: lit('diff'), runs: arr(id, 50), qid: id, depth: num({ int: true, min: 1, max: 1000 }), unjudgedOnly: bool }),
});

/** The only commands the webview may ask the host to run. */
export const PANEL_COMMANDS = ['clir.importQrels', 'clir.judge', 'clir.runExperiment', 'clir.importRuns', 'clir.importTopics'] as const;
export type PanelCommand = (typeof PANEL_COMMANDS)[number];

export const toHostMembers = {
  ready: obj({ type: lit('ready'), version: num({ int: true }) }),
  requestComparison: obj({
    type: lit('requestComparison'),
    runs: arr(id, 50),
    baseline: id,
    measures: arr(measure, 20),
    deltaMeasure: measure,
    heatmapMeasure: measure,
    k: num({ int: true, min: 1, max: 1000 }),
    test: oneOf('t', 'randomization', 'bootstrap'),
    correction: oneOf('none', 'bonferroni', 'holm'),
  }),
  requestRunDiff: obj({ type: lit('requestRunDiff'), qid: id, runA: id, runB: id, k: num({ int: true, min: 1, max: 1000 }) }),
  requestPool: obj({ type: lit('requestPool'), source: poolSource, focusDocId: opt(id) }),
  judge: obj({ type: lit('judge'), poolId: id, qid: id, docId: id, grade, note: opt(str({ max: 2000 })) }),
  unjudge: obj({ type: lit('unjudge'), poolId: id, qid: id, docId: id }),
  openDocument: obj({
    type: lit('openDocument'),
    docId: id,
    start: opt(num({ int: true, min: 0 })),
    end: opt(num({ int: true, min: 0 })),
  }),
  saveExport: obj({
    type: lit('saveExport'),
    format: oneOf('csv', 'md', 'png', 'svg'),
    suggestedName: str({ max: 200, pattern: /^[A-Za-z0-9._ -]+$/ }),
    /** Text content (csv, md, svg) or base64 (png). */
    content: str({ max: 20_000_000 }),
  }),
  exportQrels: obj({ type: lit('exportQrels'), assessor: opt(name) }),
  requestAgreement: obj({ type: lit('requestAgreement') }),
  /** Runs one of these VS Code commands (buttons in empty states); `runs`: the run ids it is about (Judge pools them). */
  runCommand: obj({ type: lit('runCommand'), command: oneOf(...PANEL_COMMANDS), runs: opt(arr(id, 50)) }),
  protocolError: obj({ type: lit('protocolError'), reason: str({ max: 2000 }), messageType: opt(str({ max: 100 })) }),
};

export const toHostSchema = tagged(toHostMembers);
export type ToHost = Infer<typeof toHostSchema>;
export type ToHostOf<T extends ToHost['type']> = Extract<ToHost, { type: T }>;

// ---------------------------------------------------------------------------------------------
// Host -> webview
// ---------------------------------------------------------------------------------------------

export const toWebviewMembers = {
  init: obj({
    type: lit('init'),
    version: num({ int: true }),
    runs: arr(runInfoSchema, 10_000),
    measures: arr(measure, 100),
    assessor: name,
    queries: count,
    judgements: count,
    /** Which store the panel shows (the workspace folder URI); the webview keeps it in its state so a reload reopens the same store. */
    store: opt(str({ max: 4096 })),
  }),
  comparison: obj({ type: lit('comparison'), view: comparisonViewSchema }),
  runDiff: obj({ type: lit('runDiff'), view: runDiffViewSchema }),
  /** `source`: what the pool was built from, so the webview can rebuild it after a reload. */
  pool: obj({ type: lit('pool'), view: poolViewSchema, source: opt(poolSource), focusIndex: opt(count) }),
  judgementSaved: obj({ type: lit('judgementSaved'), qid: id, docId: id, grade: nullable(grade), note: opt(str({ max: 2000 })), at: name }),
  agreement: obj({ type: lit('agreement'), view: agreementViewSchema }),
  exportResult: obj({ type: lit('exportResult'), ok: bool, message: text }),
  busy: obj({ type: lit('busy'), what: name }),
  error: obj({ type: lit('error'), message: text, request: opt(name) }),
};

export const toWebviewSchema = tagged(toWebviewMembers);
export type ToWebview = Infer<typeof toWebviewSchema>;
export type ToWebviewOf<T extends ToWebview['type']> = Extract<ToWebview, { type: T }>;

export type ComparisonView = Infer<typeof comparisonViewSchema>;
export type RunDiffView = Infer<typeof runDiffViewSchema>;
export type DiffEntry = Infer<typeof diffEntrySchema>;
export type PoolView = Infer<typeof poolViewSchema>;
export type PoolItem = Infer<typeof poolItemSchema>;
export type AgreementView = Infer<typeof agreementViewSchema>;
export type RunInfo = Infer<typeof runInfoSchema>;
export type TopicInfo = Infer<typeof topicInfoSchema>;
export type TableRow = Infer<typeof tableRowSchema>;
export type DeltaItem = Infer<typeof deltaItemSchema>;
export type Heatmap = Infer<typeof heatmapSchema>;
export type BiasRow = Infer<typeof biasRowSchema>;

export type ValidationResult<T> = { ok: true; message: T } | { ok: false; error: string; messageType?: string };

function validate<T>(schema: { check(v: unknown, p: string): string | null }, v: unknown): ValidationResult<T> {
  let error: string | null;
  try {
    error = schema.check(v, 'message');
  } catch (e) {
    error = `message: validation failed (${e instanceof Error ? e.message : String(e)})`;
  }
  if (error === null) return { ok: true, message: v as T };
  const t = typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string' ? String((v as { type: string }).type).slice(0, 100) : undefined;
  return { ok: false, error, messageType: t };
}

export const validateToHost = (v: unknown): ValidationResult<ToHost> => validate<ToHost>(toHostSchema, v);
export const validateToWebview = (v: unknown): ValidationResult<ToWebview> => validate<ToWebview>(toWebviewSchema, v);

/** What each grade means; shown as the judging guide. */
export const GRADE_GUIDE: readonly { grade: number; label: string; description: string }[] = [
  { grade: 0, label: 'Not relevant', description: 'Does not address the query, or only shares words with it.' },
  { grade: 1, label: 'Marginal', description: 'Mentions the topic but would not satisfy the need on its own.' },
  { grade: 2, label: 'Relevant', description: 'Answers part of the need; useful, with some gaps.' },
  { grade: 3, label: 'Highly relevant', description: 'Directly and fully answers the query.' },
];
