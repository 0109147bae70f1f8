/**
 * What the pipeline's translation stages call (see docs/translation.md for the proposed syntax):
 *
 *   qt(T[,tgt])>bm25           translateQuery → structuredBm25 (dictionary: synonym sets; MT: its terms)
 *   qt(T[,tgt])>dense:MODEL     translateQuery → embed `text` with the encoder
 *   dt(T,tgt)>bm25              BM25 over the documents translated at index time (translatedBm25)
 *   rrf(qt(T)>bm25,dense:M)     fusion as usual
 *
 * T is a translator reference: `dict:NAME` (stored with `clir dict import`) or `dict:/path/file.index`,
 * `mt:MODEL` (catalogue name, local folder or hub id). `TranslatorProvider` resolves and caches them.
 */
import * as fs from 'node:fs';
import type { Bm25Params, ChunkScore } from '../bm25/bm25';
import { DEFAULT_BM25 } from '../bm25/bm25';
import type { Aggregation, DocScore } from '../search/aggregate';
import type { Db } from '../store/db';
import { translatedChunkCount } from '../store/translations';
import { detectLanguage } from '../text/langid';
import { CachedTranslator } from './cache';
import { DictionaryTranslator, DictionaryTranslatorOptions, loadDictionary } from './dictionary/dictionary';
import { toIso1 } from './dictionary/languages';
import { NeuralTranslator, NeuralTranslatorOptions } from './neural';
import { getDictionaryRef } from './registry';
import { structuredBm25, termSets, toDocuments, IndexView } from './structured-bm25';
import type { QueryTranslator } from './types';

export interface TranslatorRef {
  kind: 'dict' | 'mt';
  /** Dictionary name or file / model name, folder or hub id. */
  target: string;
}

export function parseTranslatorRef(ref: string): TranslatorRef {
  const m = /^(dict|mt):(.+)$/.exec(ref.trim());
  if (!m) throw new Error(`translator "${ref}" must be dict:NAME|FILE or mt:MODEL`);
  return { kind: m[1] as 'dict' | 'mt', target: m[2].trim() };
}

/** Resolves translator references against one index database; translators are loaded once. */
export class TranslatorProvider {
  private readonly cache = new Map<string, Promise<QueryTranslator>>();
  constructor(
    private readonly db: Db,
    private readonly opts: NeuralTranslatorOptions & { dictionary?: DictionaryTranslatorOptions } = {},
  ) {}

  /** Makes `ref` resolve to a given translator (tests, fakes, translators built elsewhere). */
  register(ref: string, translator: QueryTranslator): void {
    this.cache.set(ref, Promise.resolve(translator.cacheable && !(translator instanceof CachedTranslator) ? new CachedTranslator(this.db, translator) : translator));
  }

  get(ref: string): Promise<QueryTranslator> {
    let p = this.cache.get(ref);
    if (!p) {
      p = this.load(ref);
      this.cache.set(ref, p);
      p.catch(() => this.cache.delete(ref));
    }
    return p;
  }

  private async load(ref: string): Promise<QueryTranslator> {
    const r = parseTranslatorRef(ref);
    if (r.kind === 'dict') {
      const stored = getDictionaryRef(this.db, r.target);
      if (!stored && !fs.existsSync(r.target) && !fs.existsSync(r.target + '.index')) {
        throw new Error(`dictionary "${r.target}" is neither a stored dictionary (clir dict import FILE --name ${r.target}) nor a file`);
      }
      const dict = stored
        ? loadDictionary(stored.path, { name: stored.name, srcLang: stored.srcLang ?? undefined, tgtLang: stored.tgtLang ?? undefined, format: stored.format as 'dictd' | 'tei' })
        : loadDictionary(r.target);
      return new DictionaryTranslator(dict, { ...PIPELINE_DICTIONARY_OPTIONS, ...this.opts.dictionary });
    }
    return new CachedTranslator(this.db, await NeuralTranslator.load(r.target, this.opts));
  }

  async dispose(): Promise<void> {
    for (const p of this.cache.values()) {
      try {
        await (await p).dispose?.();
      } catch {
        /* failed to load */
      }
    }
    this.cache.clear();
  }
}

export interface QueryTranslation {
  translator: string;
  src: string;
  tgt: string;
  /** Source text. */
  query: string;
  /** Translated text (for BM25 on text, dense encoders, display). */
  text: string;
  /** Synonym sets for structured BM25: the dictionary's sets, or one singleton set per term of `text`. */
  synonymSets: string[][];
  latencyMs: number;
  cached: boolean;
  /** True when src = tgt and the query was passed through unchanged. */
  identity: boolean;
}

/**
 * Translates a query for retrieval. `src` defaults to the translator's fixed source language, else
 * language identification of the query; `tgt` to the translator's fixed target language.
 */
export async function translateQuery(
  translator: QueryTranslator,
  query: string,
  opts: { src?: string; tgt?: string; signal?: AbortSignal } = {},
): Promise<QueryTranslation> {
  const tgt = opts.tgt ?? translator.pair?.tgt;
  if (!tgt) throw new Error(`translator ${translator.id} needs a target language (e.g. qt(${translator.id.split('@')[0]},en))`);
  const src = opts.src ?? translator.pair?.src ?? (await detectLanguage(query));
  if (toIso1(src) === toIso1(tgt)) {
    return { translator: translator.id, src, tgt, query, text: query, synonymSets: termSets(query), latencyMs: 0, cached: false, identity: true };
  }
  const out = await translator.translate(query, src, tgt, { signal: opts.signal });
  return {
    translator: translator.id,
    src,
    tgt,
    query,
    text: out.text,
    synonymSets: out.synonymSets ?? termSets(out.text),
    latencyMs: out.latencyMs,
    cached: !!out.cached,
    identity: false,
  };
}

export interface Bm25StageOptions {
  params?: Bm25Params;
  aggregate?: Aggregation;
  allowDoc?: (docId: number) => boolean;
}

/** `qt(T)>bm25`: structured BM25 of a translated query over the original index → top documents. */
export function translatedQueryBm25(db: Db, qt: QueryTranslation, depth: number, opts: Bm25StageOptions = {}): DocScore[] {
  const chunks = structuredBm25(db, qt.synonymSets, opts.params ?? DEFAULT_BM25, { allowDoc: opts.allowDoc });
  return toDocuments(chunks, depth, opts.aggregate);
}

/** `dt(T,tgt)>bm25`: BM25 of (target-language) query text over the documents translated by `translatorId`. */
export function translatedDocumentsBm25(
  db: Db,
  query: string | string[][],
  index: { translator: string; tgtLang: string },
  depth: number,
  opts: Bm25StageOptions = {},
): DocScore[] {
  const view: IndexView = { kind: 'translated', translator: index.translator, tgtLang: index.tgtLang };
  const n = translatedChunkCount(db, index.translator, index.tgtLang);
  if (n === 0) {
    throw new Error(`no documents translated by ${index.translator} into ${index.tgtLang}: run \`clir translate documents --via … --to ${index.tgtLang}\` first`);
  }
  const sets = typeof query === 'string' ? termSets(query) : query;
  const chunks: ChunkScore[] = structuredBm25(db, sets, opts.params ?? DEFAULT_BM25, { index: view, allowDoc: opts.allowDoc });
  return toDocuments(chunks, depth, opts.aggregate);
}

/** How `qt(dict:…)` stages translate: source-language stop words dropped before lookup (classic dictionary CLIR). */
export const PIPELINE_DICTIONARY_OPTIONS = { dropStopwords: true } as const;
