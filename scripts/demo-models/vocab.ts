/**
 * Vocabulary + embedding-table construction for the demo models.
 *
 * Every concept of the lexicon gets a seeded random unit vector. Every vocabulary
 * piece that a lexicon word of that concept tokenizes into gets that vector plus
 * seeded noise (imperfect cross-lingual alignment) and, for the bi-encoders, a
 * language-identity component: `languageWeight` times the seeded unit vector of the
 * language the word is listed under (pieces listed under several languages, such as
 * CJK characters shared by zh and ja or identical spellings, get the mean of their
 * languages' vectors). Every other piece (letters, digits, punctuation, sub-word
 * pieces, stop words, special tokens) gets a short random vector so it barely moves
 * a mean, and carries no language.
 *
 * The language component is what gives the demo bi-encoders the language bias of
 * real multilingual encoders: texts in the same language share it, so documents in
 * the query's language score higher than equally relevant documents in another
 * language. The cross-encoder's table has no language component.
 */
import { Lexicon, NO_SPACE_LANGS } from './lexicon';
import { gaussianVector, l2normalize, matVec, orthogonalMatrix, unitVector } from './prng';

export type Variant = 'plain' | 'misaligned';

/** How concept pieces are embedded. */
export interface EmbeddingStyle {
  variant: Variant;
  /** Norm of the language-identity vector added to concept pieces, relative to the unit concept vector (0: none). */
  languageWeight: number;
  /** Norm of the seeded per-piece noise added to concept pieces. */
  conceptNoise: number;
}

/** The bi-encoders: concepts plus language identity plus alignment noise. */
export const ENCODER_STYLE: EmbeddingStyle = { variant: 'plain', languageWeight: 0.35, conceptNoise: 0.3 };
/** Like ENCODER_STYLE, with every language but English rotated. */
export const MISALIGNED_STYLE: EmbeddingStyle = { ...ENCODER_STYLE, variant: 'misaligned' };
/** The cross-encoder compares concepts only: no language component, little noise. */
export const RERANKER_STYLE: EmbeddingStyle = { variant: 'plain', languageWeight: 0, conceptNoise: 0.15 };

export interface BuiltVocab {
  /** Token strings in id order. */
  tokens: string[];
  /** Unigram log-probability scores (only for the Unigram vocabulary). */
  scores?: number[];
  /** Row-major [tokens.length × dim] embedding table. */
  table: Float32Array;
  dim: number;
  /** Number of pieces carrying a concept vector (for reports). */
  conceptPieces: number;
}

/** Norm of the vectors of every non-concept piece. */
const FILLER_NORM = 0.06;
/** The pivot language: identity rotation in the misaligned variant. */
const PIVOT_LANG = 'en';

const ASCII_PUNCT = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
const EXTRA_PUNCT = '«»“”‘’„—–…·。、，！？：；（）「」『』【】،؛؟¿¡';
const DIGITS = '0123456789';
const LATIN = 'abcdefghijklmnopqrstuvwxyz';

/**
 * Letters of common scripts, so words outside the lexicon split into characters
 * instead of becoming [UNK] (Hangul syllables and CJK ideographs are only covered
 * where they occur in the lexicon).
 */
const SCRIPT_RANGES: [number, number][] = [
  [0x00df, 0x00ff], // Latin-1 lowercase letters
  [0x0101, 0x017f], // Latin Extended-A (lowercase and uppercase; lowercase is what matters)
  [0x03b1, 0x03c9], // Greek
  [0x0430, 0x045f], // Cyrillic
  [0x05d0, 0x05ea], // Hebrew
  [0x0621, 0x064a], // Arabic
  [0x0900, 0x097f], // Devanagari
  [0x0e01, 0x0e5b], // Thai
  [0x3041, 0x3096], // Hiragana
  [0x30a1, 0x30fc], // Katakana
];

function scriptChars(): string[] {
  const out: string[] = [];
  for (const [a, b] of SCRIPT_RANGES) for (let cp = a; cp <= b; cp++) {
    const ch = String.fromCodePoint(cp);
    if (/[\p{L}\p{M}]/u.test(ch) && ch === ch.toLowerCase()) out.push(ch);
  }
  return out;
}

const STOP_WORDS: Record<string, string[]> = {
  en: ['the', 'a', 'an', 'of', 'and', 'or', 'in', 'on', 'at', 'to', 'is', 'are', 'was', 'were', 'be', 'for', 'with', 'by', 'from', 'this', 'that', 'it', 'as', 'not', 'query', 'passage', 'document'],
  de: ['der', 'die', 'das', 'und', 'ist', 'ein', 'eine', 'zu', 'mit', 'von', 'den', 'im', 'auf', 'für', 'nicht'],
  fr: ['le', 'la', 'les', 'et', 'est', 'un', 'une', 'des', 'du', 'de', 'en', 'dans', 'pour', 'pas'],
  es: ['el', 'los', 'las', 'y', 'es', 'una', 'en', 'para', 'con', 'por', 'no'],
  ru: ['и', 'в', 'не', 'на', 'с', 'что', 'это', 'по', 'как'],
};
const SUFFIXES = ['s', 'es', 'ed', 'ing', 'er', 'en', 'e', 'n', 'ly', 'ion', 'ung', 'te', 'ов', 'ами', 'ы', 'а'];

/** BERT's "Chinese character" test (CJK ideographs; kana and hangul are not included). */
export function isCjkIdeograph(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

const PUNCT_RE = /[\p{P}\u0021-\u002F\u003A-\u0040\u005B-\u0060\u007B-\u007E]/u;

/** Splits a (lowercased) word the way BERT's normaliser + pre-tokenizer would. */
export function bertPieces(word: string): string[] {
  const out: string[] = [];
  let cur = '';
  const flush = () => {
    if (cur) out.push(cur);
    cur = '';
  };
  for (const ch of word) {
    const cp = ch.codePointAt(0) ?? 0;
    if (/\s/u.test(ch)) flush();
    else if (isCjkIdeograph(cp) || PUNCT_RE.test(ch)) {
      flush();
      out.push(ch);
    } else cur += ch;
  }
  flush();
  return out;
}

interface Contribution {
  concept: string;
  lang: string;
}

class TableBuilder {
  private readonly order: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly contributions = new Map<string, Contribution[]>();
  readonly scores = new Map<string, number>();

  add(token: string, score?: number): void {
    if (!this.index.has(token)) {
      this.index.set(token, this.order.length);
      this.order.push(token);
    }
    if (score !== undefined) {
      const old = this.scores.get(token);
      this.scores.set(token, old === undefined ? score : Math.max(old, score));
    }
  }

  addConcept(token: string, concept: string, lang: string, score?: number): void {
    this.add(token, score);
    const list = this.contributions.get(token) ?? [];
    if (!list.some((c) => c.concept === concept && c.lang === lang)) list.push({ concept, lang });
    this.contributions.set(token, list);
  }

  /** Sorted, de-duplicated order: `fixed` first (in given order), then the rest sorted. */
  finish(fixed: string[], style: EmbeddingStyle, dim: number, tail: string[] = []): BuiltVocab & { scoreList: number[] } {
    const fixedSet = new Set([...fixed, ...tail]);
    const rest = this.order.filter((t) => !fixedSet.has(t)).sort();
    const tokens = [...fixed, ...rest, ...tail];
    const table = new Float32Array(tokens.length * dim);
    const rotations = new Map<string, Float64Array[]>();
    const rotationFor = (lang: string): Float64Array[] | null => {
      if (style.variant !== 'misaligned' || lang === PIVOT_LANG) return null;
      let r = rotations.get(lang);
      if (!r) {
        r = orthogonalMatrix(`rotation:${lang}`, dim);
        rotations.set(lang, r);
      }
      return r;
    };
    let conceptPieces = 0;
    const scoreList: number[] = [];
    tokens.forEach((tok, row) => {
      scoreList.push(this.scores.get(tok) ?? 0);
      const contribs = this.contributions.get(tok);
      const v = new Float64Array(dim);
      if (contribs && contribs.length) {
        conceptPieces++;
        const noise = gaussianVector(`noise:${tok}`, dim);
        for (const c of contribs) {
          const base = unitVector(`concept:${c.concept}`, dim);
          const x = new Float64Array(dim);
          for (let i = 0; i < dim; i++) x[i] = base[i] + (style.conceptNoise / Math.sqrt(dim)) * noise[i];
          const rot = rotationFor(c.lang);
          const y = rot ? matVec(rot, x) : x;
          for (let i = 0; i < dim; i++) v[i] += y[i] / contribs.length;
        }
        if (style.languageWeight > 0) {
          const langs = [...new Set(contribs.map((c) => c.lang))].sort();
          for (const lang of langs) {
            const l = languageVector(lang, dim);
            for (let i = 0; i < dim; i++) v[i] += (style.languageWeight * l[i]) / langs.length;
          }
        }
      } else {
        const g = gaussianVector(`filler:${tok}`, dim);
        for (let i = 0; i < dim; i++) v[i] = (FILLER_NORM / Math.sqrt(dim)) * g[i];
      }
      for (let i = 0; i < dim; i++) table[row * dim + i] = v[i];
    });
    return { tokens, table, dim, conceptPieces, scoreList };
  }
}

/**
 * Languages whose identity directions are made exactly orthogonal to each other (Gram–Schmidt
 * in this order), so that no pair of them is accidentally close or opposed. Any other language
 * gets a seeded direction orthogonal to all of these. The list is fixed, so adding a language to
 * the lexicon never changes the directions of the others.
 */
const ORTHOGONAL_LANGS = ['en', 'de', 'fr', 'es', 'ru', 'zh', 'ja', 'ar', 'hi', 'th', 'it', 'pt', 'nl', 'ko', 'tr', 'pl', 'uk', 'fa', 'he', 'vi', 'id', 'sw'];
const languageCache = new Map<string, Float64Array>();

/** The seeded unit language-identity direction of `lang`. */
export function languageVector(lang: string, dim: number): Float64Array {
  const key = `${dim}:${lang}`;
  const hit = languageCache.get(key);
  if (hit) return hit;
  const known = ORTHOGONAL_LANGS.indexOf(lang);
  const before = (known < 0 ? ORTHOGONAL_LANGS : ORTHOGONAL_LANGS.slice(0, known)).slice(0, dim - 1).map((l) => languageVector(l, dim));
  const v = unitVector(`language:${lang}`, dim);
  for (const b of before) {
    let d = 0;
    for (let i = 0; i < dim; i++) d += v[i] * b[i];
    for (let i = 0; i < dim; i++) v[i] -= d * b[i];
  }
  l2normalize(v);
  languageCache.set(key, v);
  return v;
}

function lexiconChars(lex: Lexicon): string[] {
  const chars = new Set<string>();
  for (const c of lex.concepts) for (const words of Object.values(c.words)) for (const w of words) for (const ch of w) if (!/\s/u.test(ch)) chars.add(ch);
  return [...chars].sort();
}

/** Vocabulary for the BERT-style WordPiece tokenizer. */
export function buildWordPieceVocab(lex: Lexicon, style: EmbeddingStyle, dim: number): BuiltVocab {
  const b = new TableBuilder();
  const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  for (const ch of [...ASCII_PUNCT, ...EXTRA_PUNCT]) b.add(ch);
  for (const ch of [...DIGITS, ...LATIN]) {
    b.add(ch);
    b.add(`##${ch}`);
  }
  for (const ch of [...scriptChars(), ...lexiconChars(lex)]) {
    b.add(ch);
    if (!isCjkIdeograph(ch.codePointAt(0) ?? 0)) b.add(`##${ch}`);
  }
  for (const s of SUFFIXES) b.add(`##${s}`);
  for (const words of Object.values(STOP_WORDS)) for (const w of words) b.add(w);
  for (const c of lex.concepts) {
    for (const [lang, words] of Object.entries(c.words)) {
      for (const w of words) {
        for (const p of bertPieces(w)) {
          if (p.length === 1 && PUNCT_RE.test(p)) continue;
          b.addConcept(p, c.id, lang);
          // Running text without spaces: let WordPiece find the word mid-"word".
          if (NO_SPACE_LANGS.has(lang) && !isCjkIdeograph(p.codePointAt(0) ?? 0)) b.addConcept(`##${p}`, c.id, lang);
        }
      }
    }
  }
  const built = b.finish(specials, style, dim);
  return { tokens: built.tokens, table: built.table, dim, conceptPieces: built.conceptPieces };
}

/** Vocabulary (with Unigram scores) for the XLM-R-style SentencePiece tokenizer. */
export function buildUnigramVocab(lex: Lexicon, style: EmbeddingStyle, dim: number): BuiltVocab {
  const b = new TableBuilder();
  const specials = ['<s>', '<pad>', '</s>', '<unk>'];
  b.add('▁', -5);
  // The tokenizer normalises input with NFKC + lowercase, so pieces must be in that form
  // (e.g. Thai SARA AM decomposes under NFKC).
  const nf = (s: string) => s.normalize('NFKC').toLowerCase();
  const chars = new Set<string>();
  for (const ch of [...ASCII_PUNCT, ...EXTRA_PUNCT, ...DIGITS, ...LATIN, ...scriptChars(), ...lexiconChars(lex)]) for (const c of nf(ch)) chars.add(c);
  for (const ch of chars) {
    b.add(ch, -9);
    b.add(`▁${ch}`, -8.5);
  }
  for (const s of SUFFIXES) b.add(s, -6);
  for (const words of Object.values(STOP_WORDS)) for (const w of words) b.add(`▁${w}`, -4);
  for (const c of lex.concepts) {
    for (const [lang, words] of Object.entries(c.words)) {
      for (const w of words) {
        for (const part of nf(w).split(/\s+/u).filter(Boolean)) {
          b.addConcept(`▁${part}`, c.id, lang, -3);
          b.addConcept(part, c.id, lang, -3.5);
        }
      }
    }
  }
  const built = b.finish(specials, style, dim, ['<mask>']);
  return { tokens: built.tokens, scores: built.scoreList, table: built.table, dim, conceptPieces: built.conceptPieces };
}
