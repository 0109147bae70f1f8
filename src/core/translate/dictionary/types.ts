/** What the dictionary front end needs from a parsed dictionary file. */
export interface DictionaryData {
  readonly format: 'dictd' | 'tei';
  /** Number of distinct (normalised) headwords. */
  readonly headwords: number;
  /** Problems skipped while loading with `strict: false`. */
  readonly warnings: string[];
  has(key: string): boolean;
  /** Cleaned translations of a normalised headword, most common sense first. */
  translations(key: string): string[];
  metadata(): { short?: string; url?: string };
  close(): void;
}
