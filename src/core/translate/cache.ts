/**
 * The SQLite translation cache (`translations`, migration 4): one row per (translator id, source
 * language, target language, sha256 of the text) with the translation and the latency measured when
 * it was made. `CachedTranslator` wraps any cacheable translator: a hit costs no model call and is
 * returned with `cached: true` and the originally recorded latency.
 */
import { createHash } from 'node:crypto';
import { isReadOnly, type Db } from '../store/db';
import { translationCacheStatements, translationCacheSummary } from '../store/translations';
import type { QueryTranslator, TranslateOptions, TranslationOutput } from './types';

export function textHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface CachedTranslation {
  translated: string;
  latencyMs: number;
  createdAt: string;
}

export class TranslationCache {
  private readonly stmts;
  constructor(private readonly db: Db) {
    this.stmts = translationCacheStatements(db);
  }

  get(translator: string, src: string, tgt: string, text: string): CachedTranslation | undefined {
    return this.stmts.get(translator, src, tgt, textHash(text));
  }

  put(translator: string, src: string, tgt: string, text: string, translated: string, latencyMs: number): void {
    if (isReadOnly(this.db)) return; // a read-only command (search) translates without caching
    this.stmts.put(translator, src, tgt, textHash(text), text, translated, latencyMs, new Date().toISOString());
  }

  /** Entries and recorded latency per translator and language pair. */
  summary(): { translator: string; srcLang: string; tgtLang: string; entries: number; totalLatencyMs: number; meanLatencyMs: number }[] {
    return translationCacheSummary(this.db);
  }
}

/** Any translator + the SQLite cache (only when the translator is `cacheable`). */
export class CachedTranslator implements QueryTranslator {
  readonly cache: TranslationCache;
  /** Model calls made / cache hits served by this wrapper (for reports and tests). */
  readonly counters = { calls: 0, hits: 0, translatorMs: 0 };

  constructor(
    db: Db,
    readonly inner: QueryTranslator,
  ) {
    this.cache = new TranslationCache(db);
  }

  get id(): string {
    return this.inner.id;
  }
  get kind(): QueryTranslator['kind'] {
    return this.inner.kind;
  }
  get cacheable(): boolean {
    return this.inner.cacheable;
  }
  get pair(): QueryTranslator['pair'] {
    return this.inner.pair;
  }

  async translate(text: string, src: string, tgt: string, opts?: TranslateOptions): Promise<TranslationOutput> {
    return (await this.translateBatch([text], src, tgt, opts))[0];
  }

  async translateBatch(texts: string[], src: string, tgt: string, opts?: TranslateOptions): Promise<TranslationOutput[]> {
    if (!this.inner.cacheable) {
      this.counters.calls += texts.length;
      const t0 = performance.now();
      const out = this.inner.translateBatch
        ? await this.inner.translateBatch(texts, src, tgt, opts)
        : await Promise.all(texts.map((t) => this.inner.translate(t, src, tgt, opts)));
      this.counters.translatorMs += performance.now() - t0;
      return out;
    }
    const out: (TranslationOutput | undefined)[] = texts.map((t) => {
      const hit = this.cache.get(this.inner.id, src, tgt, t);
      if (!hit) return undefined;
      this.counters.hits++;
      return { text: hit.translated, latencyMs: hit.latencyMs, cached: true };
    });
    const missing = [...new Set(texts.filter((_, i) => !out[i]))];
    if (missing.length) {
      this.counters.calls += missing.length;
      const t0 = performance.now();
      const fresh = this.inner.translateBatch
        ? await this.inner.translateBatch(missing, src, tgt, opts)
        : await sequential(missing, (t) => this.inner.translate(t, src, tgt, opts));
      this.counters.translatorMs += performance.now() - t0;
      const byText = new Map<string, TranslationOutput>();
      missing.forEach((t, i) => {
        byText.set(t, fresh[i]);
        this.cache.put(this.inner.id, src, tgt, t, fresh[i].text, fresh[i].latencyMs);
      });
      texts.forEach((t, i) => {
        if (!out[i]) out[i] = byText.get(t);
      });
    }
    return out as TranslationOutput[];
  }

  async dispose(): Promise<void> {
    await this.inner.dispose?.();
  }
}

async function sequential<T, R>(items: T[], f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const x of items) out.push(await f(x));
  return out;
}
