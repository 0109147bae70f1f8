export { DictionaryFormatError } from './errors';
export { DictdDictionary, dictdFiles, decodeDictdNumber, encodeDictdNumber } from './dictd';
export { openDictText, writeDictzip } from './dictzip';
export { TeiDictionary } from './tei';
export { cleanTranslation, splitTranslations, translationsFromDictdEntry } from './entry';
export { candidates, normalizeKey } from './normalize';
export { pairFromFileName, toIso1 } from './languages';
export { BilingualDictionary, DictionaryTranslator, detectFormat, loadDictionary } from './dictionary';
export type { DictionaryFormat, DictionaryTranslatorOptions, LoadDictionaryOptions, LookupResult } from './dictionary';
