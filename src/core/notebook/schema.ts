/**
 * The JSON schema of a `clir` notebook cell. One cell is one step: a YAML mapping with exactly one
 * of the step keys below. The schema drives validation (with line numbers), completion and hover.
 * Pure data; no vscode import.
 */

export const STEP_KINDS = ['collection', 'pipelines', 'search', 'run', 'evaluate', 'judge'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export const DEVICES = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'] as const;
export const TESTS = ['t', 'randomization', 'bootstrap'] as const;
export const CORRECTIONS = ['holm', 'bonferroni', 'none'] as const;

/** A small subset of JSON schema (what Ajv validates and what completion/hover read). */
export interface JsonSchema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  required?: string[];
  items?: JsonSchema;
  enum?: readonly (string | number | boolean)[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  minItems?: number;
  maxProperties?: number;
  minProperties?: number;
  pattern?: string;
  default?: unknown;
  examples?: unknown[];
  /** Completion-only hints (ignored by the validator). */
  markdownDescription?: string;
}

const str = (description: string, extra: Partial<JsonSchema> = {}): JsonSchema => ({ type: 'string', minLength: 1, description, ...extra });
const strList = (description: string, extra: Partial<JsonSchema> = {}): JsonSchema => ({ type: 'array', items: { type: 'string', minLength: 1 }, description, ...extra });
const int = (description: string, min = 1, extra: Partial<JsonSchema> = {}): JsonSchema => ({ type: 'integer', minimum: min, description, ...extra });

const device: JsonSchema = { type: 'string', enum: DEVICES, description: 'Execution provider for models: auto, cpu, cuda, dml, coreml or webgpu. Unavailable providers fall back to the CPU; the provider used is shown with the output.' };

export const MEASURE_EXAMPLES = ['ndcg_cut_10', 'recall_100', 'map', 'recip_rank', 'P_10', 'success_10', 'judged_10', 'Rprec'];

const measure = (description: string): JsonSchema => ({ type: 'string', minLength: 1, description, examples: MEASURE_EXAMPLES });

export const PIPELINE_OBJECT: JsonSchema = {
  type: 'object',
  description: 'A pipeline built from parts: first stage (one, or several fused), optional reranker.',
  additionalProperties: false,
  required: ['first'],
  properties: {
    first: {
      description: 'First stage: `bm25`, `dense`, `hybrid` (BM25 + dense fused by RRF), or a pipeline expression (`dense:MODEL`, `bm25(k1=1.2,b=0.75)`). A list of stages is fused (see `fusion`).',
      anyOf: [{ type: 'string', minLength: 1 }, { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 2 }],
      examples: ['bm25', 'dense', 'hybrid'],
    },
    encoder: str('Dense encoder for `dense`/`hybrid` first stages: a catalogue name (`demo-bert`, `e5-small`, …) or a local model folder name.', { examples: ['demo-bert', 'demo-xlmr', 'e5-small', 'labse'] }),
    fusion: { type: 'string', enum: ['rrf'], description: 'How a list of first stages is fused: `rrf` (reciprocal rank fusion).' },
    rerank: str('Cross-encoder reranker applied to the first-stage hits (catalogue name or local folder name).', { examples: ['demo-reranker', 'bge-reranker-v2-m3'] }),
    depth: int('How many first-stage hits the reranker rescores (default 50).'),
    k1: { type: 'number', minimum: 0, description: 'BM25 k1 (default 0.9) for a `bm25` first stage.' },
    b: { type: 'number', minimum: 0, maximum: 1, description: 'BM25 b (default 0.4) for a `bm25` first stage.' },
    device,
  },
};

export const STEP_SCHEMAS: Record<StepKind, JsonSchema> = {
  collection: {
    type: 'object',
    description: 'Selects the document collection the following cells use (indexed incrementally into its own store). Give exactly one of `folder`, `corpus` or `beir`. Paths are relative to the notebook file.',
    additionalProperties: false,
    properties: {
      name: str('A name for the collection (shown in outputs).'),
      folder: str('A folder of documents (.txt .md .html .pdf …), e.g. a workspace folder; narrowed with `include`/`exclude` globs.', { examples: ['.', '../sample/corpus'] }),
      include: strList('Glob patterns (gitignore syntax, relative to `folder`) of files to index. Default: every supported file.', { examples: [['**/*.txt', '**/*.md']] }),
      exclude: strList('Glob patterns to leave out (on top of .gitignore).'),
      corpus: str('A BEIR-style `corpus.jsonl` file (`_id`, `title`, `text`).'),
      beir: str('A BEIR dataset folder (`corpus.jsonl`, `queries.jsonl`, `qrels/<split>.tsv`): indexes the corpus and imports its queries and qrels.'),
      split: str('BEIR qrels split (default `test`).'),
      topics: str('Topics file (TSV `qid<TAB>text[<TAB>lang]` or JSONL `{"_id","text","lang"}`) used by `run` cells.'),
      qrels: str('TREC qrels file (`qid 0 docid grade`) used by `evaluate` cells.'),
      embed: strList('Dense encoders whose embeddings are built while indexing (others are built on first use).', { examples: [['demo-bert']] }),
      chunkTokens: int('Chunk size in tokens (default: the encoder maximum).', 16),
      device,
    },
  },
  pipelines: {
    type: 'object',
    description: 'Names pipelines for the cells below. Each value is a pipeline expression (`bm25`, `dense:MODEL`, `hybrid:MODEL`, `rrf(A,B)`, `A+rerank:MODEL@DEPTH`) or a mapping with `first`, `encoder`, `fusion`, `rerank`, `depth`, `device`.',
    minProperties: 1,
    additionalProperties: { anyOf: [{ type: 'string', minLength: 1 }, PIPELINE_OBJECT] },
  },
  search: {
    type: 'object',
    description: 'Searches one query with a pipeline and shows the ranked documents (language, score, snippet, a link to the hit).',
    additionalProperties: false,
    required: ['query'],
    properties: {
      query: str('The query text, in any language.'),
      pipeline: str('A pipeline name from a `pipelines` cell, or a pipeline expression (default `bm25`).', { examples: ['bm25', 'dense', 'dense+rerank'] }),
      k: int('Number of documents to show (default 10).', 1, { maximum: 1000 }),
      lang: strList('Only documents in these languages (ISO 639-1 codes).'),
      device,
    },
  },
  run: {
    type: 'object',
    description: 'Runs the topics through pipelines and stores each ranking as an experiment. An unchanged configuration on an unchanged corpus reuses the stored run.',
    additionalProperties: false,
    required: ['pipelines'],
    properties: {
      pipelines: strList('Pipelines to run (names from `pipelines` cells, or expressions).', { minItems: 1 }),
      topics: str('Topics file (default: the collection\'s `topics`, or its BEIR queries).'),
      queries: strList('Only these query ids.'),
      k: int('Depth of the stored ranking (default 100).', 1, { maximum: 10000 }),
      device,
    },
  },
  evaluate: {
    type: 'object',
    description: 'Evaluates runs against the qrels: metric table with paired significance tests against the baseline, per-query deltas, per-language-pair results and language bias.',
    additionalProperties: false,
    required: ['runs'],
    properties: {
      runs: strList('Pipelines run by `run` cells (names or expressions); the first is the baseline unless `baseline` says otherwise. At least two: evaluation compares runs.', { minItems: 2 }),
      baseline: str('The run the others are compared with (default: the first).'),
      measures: { type: 'array', items: measure('A trec_eval measure.'), minItems: 1, description: 'Measures (default ndcg_cut_10, recall_100, map, recip_rank).' },
      test: { type: 'string', enum: TESTS, description: 'Paired significance test: `t` (Student t), `randomization` (permutation), `bootstrap`. Default `t`.' },
      correction: { type: 'string', enum: CORRECTIONS, description: 'Multiple-comparison correction: `holm` (default), `bonferroni`, `none`.' },
      alpha: { type: 'number', minimum: 0, maximum: 1, description: 'Significance level (default 0.05).' },
      perQuery: measure('Measure of the per-query delta chart (default: the first measure).'),
      languagePairs: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'boolean' }], description: 'Measure of the query-language → document-language heatmap (default: the first measure); `false` hides it.' },
      bias: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'boolean' }], description: 'Cut-off k of the language-bias chart (same-language share in the top k vs among relevant documents; default 10); `false` hides it.' },
    },
  },
  judge: {
    type: 'object',
    description: 'Builds a judging pool from the top `depth` documents of runs and opens the annotation view on it.',
    additionalProperties: false,
    required: ['runs'],
    properties: {
      runs: strList('Pipelines whose stored runs are pooled.', { minItems: 1 }),
      depth: int('Pool depth per run and query (default 10).', 1, { maximum: 1000 }),
      queries: strList('Only these query ids.'),
    },
  },
};

/** The schema of a whole cell (for editors and docs): exactly one step key. */
export const CELL_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'A `clir` cell: one step of an experiment, written as YAML with exactly one of the keys collection, pipelines, search, run, evaluate, judge.',
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
  properties: Object.fromEntries(STEP_KINDS.map((k) => [k, STEP_SCHEMAS[k]])),
};

/** The schema node at a key path (for completion and hover); undefined when unknown. */
export function schemaAt(path: readonly (string | number)[]): JsonSchema | undefined {
  let s: JsonSchema | undefined = CELL_SCHEMA;
  for (const seg of path) {
    if (!s) return undefined;
    if (typeof seg === 'number') {
      s = s.items ?? s.anyOf?.find((x) => x.items)?.items;
      continue;
    }
    const next: JsonSchema | undefined = s.properties?.[seg] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
    // A pipelines entry is a string or an object: continue into the object form.
    s = next?.anyOf?.find((x) => x.type === 'object') ?? next;
  }
  return s;
}
