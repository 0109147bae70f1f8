/**
 * Declarative retrieval pipelines. A pipeline is a tree of stages; names are a compact way to write
 * the common ones:
 *
 *   bm25                               BM25, per-language analysis (src/core/text/analyzers.ts)
 *   bm25(k1=1.2,b=0.75)                with parameters
 *   bm25(analyzer=standard)            unstemmed, no stop words (the previous analysis; Lucene StandardAnalyzer-like)
 *   dense:e5-small                     exact cosine search with a bi-encoder (catalogue name, hub id or folder)
 *   hybrid:e5-small                    RRF fusion of bm25 and dense:e5-small
 *   rrf(bm25,dense:labse)              RRF fusion of any stages (k=60)
 *   dense:e5-small+rerank:bge-m3-reranker       cross-encoder rescoring of the top 50
 *   hybrid:e5-small+rerank:bge-m3-reranker@100  ... of the top 100
 *   dense:e5-small+adapter:NAME        a trained embedding adapter (src/core/adapters) applied to the query
 *                                      vector and, in memory, to the stored document vectors
 *   qt(dict:deu-eng)>bm25              query translation (src/core/translate): structured (Pirkola) BM25 over the
 *                                      dictionary's synonym sets; qt(mt:MODEL[,TGT[,SRC]])>dense:M embeds the translation.
 *                                      Every stage after `>` sees the translated query.
 *   dt(mt:opus-mt-de-en,en)>bm25       BM25 over the document translations made with `clir translate documents`
 *   rrf(qt(dict:deu-eng)>bm25,dense:M)+rerank:R   composition as usual (the reranker outside qt sees the original query)
 *
 * Postfix stages (`+rerank:`, `+adapter:`) are parsed from one table (POSTFIX_STAGES); a new one is
 * added there. A modifier that changes how dense stages work (like `+adapter:`) is stored as a field on
 * those stages, set only when used, so the canonical form (and hash) of every other pipeline is unchanged.
 *
 * Every pipeline has a canonical JSON form; its SHA-256 (with the resolved model revisions added at
 * run time) identifies exactly what produced a result.
 */
import { createHash } from 'node:crypto';
import type { Aggregation } from '../search/aggregate';

/**
 * `analyzer` is set only when it is not the default per-language analysis (`bm25(analyzer=standard)`:
 * Lucene-StandardAnalyzer-like terms), so the canonical form of plain `bm25` is unchanged.
 */
export type Bm25Stage = { type: 'bm25'; k1: number; b: number; aggregate: Aggregation; analyzer?: 'standard' };

export type StageConfig =
  | Bm25Stage
  | { type: 'dense'; model: string; aggregate: Aggregation; adapter?: string }
  | { type: 'rrf'; k: number; depth: number; inputs: StageConfig[] }
  | { type: 'rerank'; model: string; depth: number; input: StageConfig }
  /**
   * Query translation: `translator` is a reference (`dict:NAME|FILE`, `mt:MODEL`); `tgt`/`src` are set
   * only when written (absent: the translator's fixed pair, else language identification of the query).
   */
  | { type: 'qt'; translator: string; tgt?: string; src?: string; input: StageConfig }
  /** BM25 (the `input`) over the documents translated into `tgt` by `translator` at index time. */
  | { type: 'dt'; translator: string; tgt: string; input: Bm25Stage };

export interface PipelineConfig {
  name: string;
  stage: StageConfig;
}

export const DEFAULT_RERANK_DEPTH = 50;
export const DEFAULT_FUSION_DEPTH = 100;

export class PipelineSyntaxError extends Error {}

/**
 * Postfix stages: `A+<prefix>…` turns the stage parsed so far into a new one. Add new postfix
 * stages here (and a case in ../pipeline/execute.ts).
 */
interface PostfixStage {
  prefix: string;
  parse(p: Parser, input: StageConfig): StageConfig;
}

const POSTFIX_STAGES: PostfixStage[] = [
  { prefix: '+rerank:', parse: (p, input) => p.rerank(input) },
  { prefix: '+adapter:', parse: (p, input) => p.adapter(input) },
];

export function parsePipeline(name: string, opts: { rerankDepth?: number } = {}): PipelineConfig {
  const src = name.trim();
  if (!src) throw new PipelineSyntaxError('empty pipeline name');
  const p = new Parser(src, opts.rerankDepth ?? DEFAULT_RERANK_DEPTH);
  const stage = p.pipeline();
  if (!p.done()) p.fail('unexpected text');
  return { name: src, stage };
}

class Parser {
  private i = 0;
  /** Inside the stage of a qt(…): another qt(…) is an error. */
  private inQt = false;
  private nesting = 0;
  constructor(private readonly s: string, private readonly rerankDepth: number) {}

  done(): boolean {
    return this.i >= this.s.length;
  }

  fail(what: string): never {
    throw new PipelineSyntaxError(
      `pipeline "${this.s.length > 120 ? this.s.slice(0, 117) + '...' : this.s}": ${what} at character ${this.i + 1}; expected e.g. bm25, dense:MODEL, hybrid:MODEL, rrf(A,B), A+rerank:MODEL[@N], dense:MODEL+adapter:NAME, qt(dict:NAME)>bm25, dt(mt:MODEL,LANG)>bm25`,
    );
  }

  pipeline(): StageConfig {
    if (++this.nesting > MAX_NESTING) this.fail(`pipeline nested more than ${MAX_NESTING} levels deep`);
    let stage = this.first();
    for (;;) {
      const op = POSTFIX_STAGES.find((o) => this.s.startsWith(o.prefix, this.i));
      if (!op) break;
      this.i += op.prefix.length;
      stage = op.parse(this, stage);
    }
    this.nesting--;
    return stage;
  }

  /** `+rerank:MODEL[@DEPTH]` */
  rerank(input: StageConfig): StageConfig {
    const model = this.modelName();
    let depth = this.rerankDepth;
    if (this.s[this.i] === '@') {
      this.i++;
      depth = this.integer();
    }
    return { type: 'rerank', model, depth, input };
  }

  /** `+adapter:NAME`: every dense stage of `input` uses the adapter. */
  adapter(input: StageConfig): StageConfig {
    const m = /^[A-Za-z0-9_.-]+/.exec(this.s.slice(this.i));
    if (!m) this.fail('missing adapter name (letters, digits, _ . -)');
    this.i += m[0].length;
    const name = m[0];
    let found = 0;
    const visit = (s: StageConfig): StageConfig => {
      if (s.type === 'dense') {
        if (s.adapter) this.fail(`dense:${s.model} already has adapter "${s.adapter}"`);
        found++;
        return { ...s, adapter: name };
      }
      if (s.type === 'rrf') return { ...s, inputs: s.inputs.map(visit) };
      if (s.type === 'rerank' || s.type === 'qt') return { ...s, input: visit(s.input) };
      return s;
    };
    const out = visit(input);
    if (!found) this.fail('+adapter needs a dense stage before it (e.g. dense:MODEL+adapter:NAME)');
    return out;
  }

  private first(): StageConfig {
    if (this.s.startsWith('bm25', this.i)) return this.bm25();
    if (this.s.startsWith('qt(', this.i)) return this.qt();
    if (this.s.startsWith('dt(', this.i)) return this.dt();
    if (this.s.startsWith('dense:', this.i)) {
      this.i += 6;
      return { type: 'dense', model: this.modelName(), aggregate: 'max' };
    }
    if (this.s.startsWith('hybrid:', this.i)) {
      this.i += 7;
      const model = this.modelName();
      return {
        type: 'rrf',
        k: 60,
        depth: DEFAULT_FUSION_DEPTH,
        inputs: [{ type: 'bm25', k1: 0.9, b: 0.4, aggregate: 'max' }, { type: 'dense', model, aggregate: 'max' }],
      };
    }
    if (this.s.startsWith('rrf(', this.i)) {
      this.i += 4;
      const inputs: StageConfig[] = [this.pipeline()];
      while (this.s[this.i] === ',') {
        this.i++;
        inputs.push(this.pipeline());
      }
      if (this.s[this.i] !== ')') this.fail('missing ")"');
      this.i++;
      if (inputs.length < 2) this.fail('rrf needs at least two inputs');
      return { type: 'rrf', k: 60, depth: DEFAULT_FUSION_DEPTH, inputs };
    }
    this.fail('unknown stage');
  }

  private bm25(): Bm25Stage {
    this.i += 4;
    const params = this.s[this.i] === '(' ? this.params() : {};
    for (const k of Object.keys(params)) if (k !== 'k1' && k !== 'b' && k !== 'agg' && k !== 'analyzer') this.fail(`unknown BM25 parameter "${k}"`);
    if (params.analyzer !== undefined && params.analyzer !== 'standard' && params.analyzer !== 'lang') {
      this.fail(`unknown BM25 analyzer "${params.analyzer}" (expected lang or standard)`);
    }
    return {
      type: 'bm25',
      k1: num(params.k1, 0.9, 'k1', K1_MAX),
      b: num(params.b, 0.4, 'b', 1),
      aggregate: agg(params.agg, this),
      ...(params.analyzer === 'standard' ? { analyzer: 'standard' as const } : {}),
    };
  }

  /** `qt(T[,TGT[,SRC]])>STAGE`: STAGE (and everything inside it) sees the translated query. */
  private qt(): StageConfig {
    if (this.inQt) this.fail('qt(…) cannot be nested inside another qt(…)');
    this.i += 3;
    const translator = this.translatorRef();
    const langs = this.languages(2);
    this.expect(')');
    this.expect('>', 'after qt(…) (e.g. qt(dict:NAME)>bm25)');
    if (this.done()) this.fail('missing stage after ">"');
    this.inQt = true;
    try {
      const input = this.first();
      return { type: 'qt', translator, ...(langs[0] ? { tgt: langs[0] } : {}), ...(langs[1] ? { src: langs[1] } : {}), input };
    } finally {
      this.inQt = false;
    }
  }

  /** `dt(T,TGT)>bm25[(…)]` */
  private dt(): StageConfig {
    this.i += 3;
    const translator = this.translatorRef();
    const [tgt] = this.languages(1);
    if (!tgt) this.fail('dt(…) needs the target language of the document translations (e.g. dt(mt:opus-mt-de-en,en))');
    this.expect(')');
    this.expect('>', 'after dt(…) (e.g. dt(mt:MODEL,en)>bm25)');
    if (!this.s.startsWith('bm25', this.i)) this.fail('dt(…) is followed by bm25 (BM25 over the translated documents)');
    return { type: 'dt', translator, tgt, input: this.bm25() };
  }

  /** `dict:NAME|FILE` or `mt:MODEL`; runs until ',', ')' or '>' (references may contain ':' and '/'). */
  private translatorRef(): string {
    const start = this.i;
    while (this.i < this.s.length && !',)>'.includes(this.s[this.i])) this.i++;
    const ref = this.s.slice(start, this.i).trim();
    if (!ref) this.fail('missing translator (dict:NAME or mt:MODEL)');
    const m = /^(dict|mt):\s*(\S.*)$/.exec(ref);
    if (!m) {
      this.i = start;
      this.fail(`translator "${ref}" must be dict:NAME|FILE or mt:MODEL`);
    }
    return `${m[1]}:${m[2]}`;
  }

  /** Up to `max` `,LANG` arguments (ISO 639-1/-3 or a model family's own code such as rus_Cyrl, en_XX). */
  private languages(max: number): string[] {
    const out: string[] = [];
    while (this.s[this.i] === ',') {
      this.i++;
      if (out.length === max) this.fail(`too many arguments (at most ${max} language${max > 1 ? 's' : ''})`);
      const m = /^\s*([A-Za-z]{2,3}(?:[_-][A-Za-z]{2,4})?)\s*(?=[,)])/.exec(this.s.slice(this.i));
      if (!m) this.fail('expected a language code (e.g. en, de, rus_Cyrl)');
      out.push(m[1]);
      this.i += m[0].length;
    }
    return out;
  }

  private expect(c: string, context = ''): void {
    if (this.s[this.i] !== c) this.fail(`missing "${c}"${context ? ' ' + context : ''}`);
    this.i++;
  }

  /** A model reference runs until '+', ',', ')', '@' or the end (paths may contain ':' and '/'). */
  private modelName(): string {
    const start = this.i;
    while (this.i < this.s.length && !'+,)@'.includes(this.s[this.i])) this.i++;
    const name = this.s.slice(start, this.i).trim();
    if (!name) this.fail('missing model name');
    return name;
  }

  private integer(): number {
    const m = /^\d+/.exec(this.s.slice(this.i));
    if (!m) this.fail('expected a number');
    this.i += m[0].length;
    return Number(m[0]);
  }

  private params(): Record<string, string> {
    this.i++; // (
    const end = this.s.indexOf(')', this.i);
    if (end < 0) this.fail('missing ")"');
    const out: Record<string, string> = {};
    for (const part of this.s.slice(this.i, end).split(',')) {
      if (!part.trim()) continue;
      const [k, v] = part.split('=').map((x) => x.trim());
      if (!k || v === undefined) this.fail(`bad parameter "${part}"`);
      out[k] = v;
    }
    this.i = end + 1;
    return out;
  }
}

/** Largest BM25 k1 accepted (usual values are 0.5–3; beyond this scores overflow to NaN). */
const K1_MAX = 1000;
/** Deepest nesting of rrf(…) / qt(…) accepted (a real pipeline nests two or three levels). */
const MAX_NESTING = 32;

function num(v: string | undefined, dflt: number, name: string, max: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > max) {
    throw new PipelineSyntaxError(`bad value "${v}" for ${name} in pipeline parameters: expected a number from 0 to ${max}`);
  }
  return n;
}

function agg(v: string | undefined, p: Parser): Aggregation {
  if (v === undefined) return 'max';
  if (v === 'max' || v === 'sum' || v === 'first') return v;
  p.fail(`aggregation must be max, sum or first, not "${v}"`);
}

/** The stages directly inside `s` (inputs of fusion, reranking, translation). */
export function childStages(s: StageConfig): StageConfig[] {
  if (s.type === 'rrf') return s.inputs;
  if (s.type === 'rerank' || s.type === 'qt' || s.type === 'dt') return [s.input];
  return [];
}

/**
 * Every model a pipeline uses, by role. `translators` lists the translator references of `qt` and
 * `dt` stages (loaded before timed queries; a `dt` translator is needed only for its identity).
 */
export function pipelineModels(stage: StageConfig): { encoders: string[]; rerankers: string[]; translators: string[] } {
  const enc = new Set<string>();
  const rr = new Set<string>();
  const tr = new Set<string>();
  const visit = (s: StageConfig): void => {
    if (s.type === 'dense') enc.add(s.model);
    else if (s.type === 'rerank') rr.add(s.model);
    else if (s.type === 'qt' || s.type === 'dt') tr.add(s.translator);
    childStages(s).forEach(visit);
  };
  visit(stage);
  return { encoders: [...enc], rerankers: [...rr], translators: [...tr] };
}

/** Names of the adapters a pipeline uses. */
export function pipelineAdapters(stage: StageConfig): string[] {
  const out = new Set<string>();
  const visit = (s: StageConfig): void => {
    if (s.type === 'dense' && s.adapter) out.add(s.adapter);
    childStages(s).forEach(visit);
  };
  visit(stage);
  return [...out];
}

/**
 * A pipeline expression for a stage tree; `parsePipeline(formatPipeline(s)).stage` equals `s`
 * (hybrid:M is written as its expansion rrf(bm25,dense:M); rerank depths are always written).
 */
export function formatPipeline(s: StageConfig): string {
  switch (s.type) {
    case 'bm25': {
      const params = [
        ...(s.k1 !== 0.9 ? [`k1=${s.k1}`] : []),
        ...(s.b !== 0.4 ? [`b=${s.b}`] : []),
        ...(s.aggregate !== 'max' ? [`agg=${s.aggregate}`] : []),
        ...(s.analyzer ? [`analyzer=${s.analyzer}`] : []),
      ];
      return params.length ? `bm25(${params.join(',')})` : 'bm25';
    }
    case 'dense':
      return `dense:${s.model}${s.adapter ? `+adapter:${s.adapter}` : ''}`;
    case 'rrf':
      if (s.k !== 60 || s.depth !== DEFAULT_FUSION_DEPTH) throw new Error(`rrf with k=${s.k}, depth=${s.depth} has no pipeline expression`);
      return `rrf(${s.inputs.map(formatPipeline).join(',')})`;
    case 'rerank':
      return `${formatPipeline(s.input)}+rerank:${s.model}@${s.depth}`;
    case 'qt': {
      if (s.src && !s.tgt) throw new Error('qt with a source but no target language has no pipeline expression');
      const inner = formatPipeline(s.input);
      if (s.input.type === 'rerank') throw new Error('qt over a reranked stage has no pipeline expression (+rerank applies to the whole qt(…))');
      return `qt(${[s.translator, ...(s.tgt ? [s.tgt] : []), ...(s.src ? [s.src] : [])].join(',')})>${inner}`;
    }
    case 'dt':
      return `dt(${s.translator},${s.tgt})>${formatPipeline(s.input)}`;
  }
}

/** Canonical JSON (sorted keys) so equal configurations hash equally. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export function hashConfig(v: unknown): string {
  return createHash('sha256').update(canonicalJson(v)).digest('hex').slice(0, 16);
}
