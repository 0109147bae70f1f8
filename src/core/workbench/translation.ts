/** Translation use cases: translators, query translation + structured BM25, document translation, stored dictionaries. */
import type { LoadDictionaryOptions, BilingualDictionary } from '../translate/dictionary/dictionary';
import { TranslationCache } from '../translate/cache';
import { translateDocuments, TranslateDocumentsOptions, TranslateDocumentsReport, translationStatus } from '../translate/documents';
import { DictionaryRef, getDictionaryRef, importDictionary, listDictionaries, removeDictionary } from '../translate/registry';
import { QueryTranslation, translatedQueryBm25, TranslatorProvider } from '../translate/stages';
import type { QueryTranslator } from '../translate/types';
import type { DocScore } from '../search/aggregate';
import type { Db } from '../store/db';

export class TranslationService {
  constructor(private readonly db: Db) {}

  /** A translator provider of its own (own options, own disposal) over this index's cache and dictionaries. */
  provider(opts: ConstructorParameters<typeof TranslatorProvider>[1] = {}): TranslatorProvider {
    return new TranslatorProvider(this.db, opts);
  }

  /** Structured BM25 over the original chunks with a translated query. */
  queryBm25(qt: QueryTranslation, depth: number): DocScore[] {
    return translatedQueryBm25(this.db, qt, depth);
  }

  /** Translates the indexed documents into `targetLang` and indexes the translations. */
  translateDocuments(translator: QueryTranslator, targetLang: string, opts: TranslateDocumentsOptions = {}): Promise<TranslateDocumentsReport> {
    return translateDocuments(this.db, translator, targetLang, opts);
  }

  /** Document translations and translation-cache entries per translator. */
  status(): { documents: ReturnType<typeof translationStatus>; cache: ReturnType<TranslationCache['summary']> } {
    return { documents: translationStatus(this.db), cache: new TranslationCache(this.db).summary() };
  }

  dictionaries(): DictionaryRef[] {
    return listDictionaries(this.db);
  }

  dictionary(name: string): DictionaryRef | undefined {
    return getDictionaryRef(this.db, name);
  }

  importDictionary(file: string, opts: LoadDictionaryOptions & { name: string }): { ref: DictionaryRef; dictionary: BilingualDictionary } {
    return importDictionary(this.db, file, opts);
  }

  removeDictionary(name: string): boolean {
    return removeDictionary(this.db, name);
  }
}
