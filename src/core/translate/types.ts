/**
 * The translation interface shared by dictionary and neural translators, used by the pipeline
 * stages (query translation), by document translation at index time and by the CLI.
 */

export interface TranslationOutput {
  /** The translation as plain text (for BM25 on text, dense encoders, display). */
  text: string;
  /**
   * Structured form (dictionary translators): one synonym set per source word or phrase, in query
   * order; every translation of that word is a member. A set is scored as ONE term by
   * structured BM25. Absent for neural translators (use `terms(text)` as singleton sets).
   */
  synonymSets?: string[][];
  /** Per source word (dictionary translators): what was looked up and what matched. */
  details?: WordTranslation[];
  /** Milliseconds the translator spent (the latency recorded when this translation was first made). */
  latencyMs: number;
  /** True when the text came from the SQLite translation cache. */
  cached?: boolean;
}

export interface WordTranslation {
  source: string;
  /** The dictionary key that matched ('' when none did). */
  matched: string;
  /** 'exact' headword, 'stripped' (inflection fallback), 'none' (kept untranslated / dropped), 'stopword' (a source stop word, dropped). */
  how: 'exact' | 'stripped' | 'none' | 'stopword';
  translations: string[];
}

export interface TranslateOptions {
  signal?: AbortSignal;
}

export interface QueryTranslator {
  /**
   * Stable identity of the translator and its data, used as the cache key and in pipeline hashes,
   * e.g. `dict:freedict-deu-eng@3f2a…` (file hash) or `mt:Xenova/opus-mt-ru-en@9c1d…` (ONNX file hash).
   */
  readonly id: string;
  readonly kind: 'dictionary' | 'neural' | 'custom';
  /** Whether translations are worth caching in SQLite (true for neural translators). */
  readonly cacheable: boolean;
  /** Language pair the translator is fixed to, when it is (dictionaries, Marian pair models). */
  readonly pair?: { src?: string; tgt?: string };
  /** Translates one text; `src` and `tgt` are ISO 639-1 codes (the translator maps them to its own codes). */
  translate(text: string, src: string, tgt: string, opts?: TranslateOptions): Promise<TranslationOutput>;
  /** Translates several texts at once (batched by neural translators). */
  translateBatch?(texts: string[], src: string, tgt: string, opts?: TranslateOptions): Promise<TranslationOutput[]>;
  dispose?(): Promise<void>;
}

export class TranslationError extends Error {}
