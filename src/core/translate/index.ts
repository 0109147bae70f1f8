/** Translation for CLIR: dictionaries, neural MT, structured BM25, document translation (docs/translation.md). */
export * from './types';
export * from './dictionary';
export { CachedTranslator, TranslationCache, textHash } from './cache';
export { structuredBm25, prepareSets, termSets, toDocuments, ORIGINAL_INDEX } from './structured-bm25';
export type { IndexView, SynonymSet } from './structured-bm25';
export { NeuralTranslator, TRANSLATION_MODELS, languageArguments, presetFromTranslationFolder, resolveTranslationModel } from './neural';
export type { NeuralTranslatorOptions, TranslationModelPreset } from './neural';
export { familyCode, LanguageCodeError, NLLB_CODES, M2M100_CODES, MBART50_CODES } from './languages';
export type { TranslationFamily } from './languages';
export { translateDocuments, translationStatus, documentTranslation } from './documents';
export type { TranslateDocumentsOptions, TranslateDocumentsReport } from './documents';
export { importDictionary, listDictionaries, getDictionaryRef, removeDictionary } from './registry';
export type { DictionaryRef } from './registry';
export { PIPELINE_DICTIONARY_OPTIONS, TranslatorProvider, parseTranslatorRef, translateQuery, translatedQueryBm25, translatedDocumentsBm25 } from './stages';
export type { QueryTranslation, TranslatorRef, Bm25StageOptions } from './stages';
