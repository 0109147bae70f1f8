/**
 * Tokenisation with honest truncation.
 *
 * transformers.js truncates by cutting the tail of the full sequence, which drops the
 * final [SEP]/</s>. Here texts are truncated *inside* the special-token template:
 * single texts keep their closing special token; pairs are truncated longest-first
 * (the passage usually), so a long passage never pushes the query out and never crashes
 * a model with a fixed position table.
 */

export interface EncodedText {
  ids: number[];
  types: number[];
  /** Tokens dropped by truncation. */
  truncated: number;
}

/** The subset of a transformers.js tokenizer used here. */
export interface TokenizerLike {
  (text: string, options: Record<string, unknown>): unknown;
  pad_token_id?: number;
}

interface RawEncoding {
  input_ids: number[];
  token_type_ids?: number[];
}

function encodeRaw(tok: TokenizerLike, text: string, pair: string | null, special: boolean): { ids: number[]; types: number[] } {
  const r = tok(text, { text_pair: pair, add_special_tokens: special, return_tensor: false, return_token_type_ids: true }) as RawEncoding;
  const ids = Array.from(r.input_ids, Number);
  const types = r.token_type_ids ? Array.from(r.token_type_ids, Number) : new Array<number>(ids.length).fill(0);
  return { ids, types };
}

/** Index of `needle` in `hay` starting at `from`, or -1. */
function indexOfSeq(hay: number[], needle: number[], from: number): number {
  if (needle.length === 0) return from <= hay.length ? from : -1;
  outer: for (let i = from; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** Token count with special tokens, untruncated. */
export function countTokens(tok: TokenizerLike, text: string): number {
  return encodeRaw(tok, text, null, true).ids.length;
}

/** Encodes one text, keeping the special-token template intact when truncating to `maxLength`. */
export function encodeSingle(tok: TokenizerLike, text: string, maxLength: number): EncodedText {
  const full = encodeRaw(tok, text, null, true);
  if (full.ids.length <= maxLength) return { ...full, truncated: 0 };
  const body = encodeRaw(tok, text, null, false).ids;
  const p = indexOfSeq(full.ids, body, 0);
  const specials = full.ids.length - body.length;
  const keep = Math.max(0, maxLength - specials);
  if (p < 0 || keep === 0) {
    return { ids: full.ids.slice(0, maxLength), types: full.types.slice(0, maxLength), truncated: full.ids.length - maxLength };
  }
  const end = p + body.length;
  const ids = [...full.ids.slice(0, p), ...body.slice(0, keep), ...full.ids.slice(end)];
  const types = [...full.types.slice(0, p), ...full.types.slice(p, p + keep), ...full.types.slice(end)];
  return { ids, types, truncated: full.ids.length - ids.length };
}

/** Encodes a (query, passage) pair, truncating longest-first inside the pair template. */
export function encodePair(tok: TokenizerLike, a: string, b: string, maxLength: number): EncodedText {
  const full = encodeRaw(tok, a, b, true);
  if (full.ids.length <= maxLength) return { ...full, truncated: 0 };
  const ca = encodeRaw(tok, a, null, false).ids;
  const cb = encodeRaw(tok, b, null, false).ids;
  const specials = full.ids.length - ca.length - cb.length;
  const budget = Math.max(0, maxLength - specials);
  let la = ca.length;
  let lb = cb.length;
  const half = Math.floor(budget / 2);
  if (la + lb > budget) {
    if (la <= half) lb = budget - la;
    else if (lb <= budget - half) la = budget - lb;
    else {
      la = half;
      lb = budget - half;
    }
  }
  const pa = indexOfSeq(full.ids, ca, 0);
  const pb = pa < 0 ? -1 : indexOfSeq(full.ids, cb, pa + ca.length);
  if (pa < 0 || pb < 0 || specials < 0) {
    return { ids: full.ids.slice(0, maxLength), types: full.types.slice(0, maxLength), truncated: full.ids.length - maxLength };
  }
  const ids = [
    ...full.ids.slice(0, pa),
    ...ca.slice(0, la),
    ...full.ids.slice(pa + ca.length, pb),
    ...cb.slice(0, lb),
    ...full.ids.slice(pb + cb.length),
  ];
  const typeA = full.types[pa] ?? 0;
  const typeB = full.types[pb] ?? (full.types[full.types.length - 1] ?? 0);
  const types = [
    ...full.types.slice(0, pa),
    ...new Array<number>(la).fill(typeA),
    ...full.types.slice(pa + ca.length, pb),
    ...new Array<number>(lb).fill(typeB),
    ...full.types.slice(pb + cb.length),
  ];
  return { ids, types, truncated: full.ids.length - ids.length };
}

/** Right-pads a batch into flat int64 buffers. */
export function padBatch(encs: EncodedText[], padId: number): { ids: BigInt64Array; mask: BigInt64Array; types: BigInt64Array; seq: number } {
  const seq = Math.max(1, ...encs.map((e) => e.ids.length));
  const n = encs.length * seq;
  const ids = new BigInt64Array(n).fill(BigInt(padId));
  const mask = new BigInt64Array(n);
  const types = new BigInt64Array(n);
  encs.forEach((e, b) => {
    for (let i = 0; i < e.ids.length; i++) {
      ids[b * seq + i] = BigInt(e.ids[i]);
      mask[b * seq + i] = 1n;
      types[b * seq + i] = BigInt(e.types[i] ?? 0);
    }
  });
  return { ids, mask, types, seq };
}
