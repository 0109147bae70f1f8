/**
 * An embedding adapter: a small, language-aware transformation of a frozen encoder's vectors.
 *
 * For a vector x of a text in language L (a query's detected language, a chunk's stored language):
 *
 *   x̃ = x − μ_L                      (mean-centering; μ_L = mean of the corpus vectors in L)
 *   z = W_L x̃ + U_L (V_L x̃)          (W_L: d×d, identity when absent; U_L V_L: optional rank-r residual)
 *   adapted(x) = z / ‖z‖             (re-normalised, so the dot product stays a cosine)
 *
 * Languages without their own transform use the one stored under `*` (the global mean, identity map).
 * Weights are kept in Float32Arrays (row-major) and serialised to one BLOB.
 */

export const DEFAULT_LANG = '*';

export interface LangTransform {
  /** Subtracted first (length d). */
  mean?: Float32Array;
  /** d×d row-major: z = W x̃. */
  W?: Float32Array;
  /** d×r row-major. */
  U?: Float32Array;
  /** r×d row-major: z += U (V x̃). */
  V?: Float32Array;
  rank?: number;
}

export interface AdapterModel {
  dim: number;
  transforms: Map<string, LangTransform>;
}

export function transformFor(m: AdapterModel, lang: string): LangTransform | undefined {
  return m.transforms.get(lang) ?? m.transforms.get(DEFAULT_LANG);
}

/** Languages with their own transform (not `*`). */
export function adapterLanguages(m: AdapterModel): string[] {
  return [...m.transforms.keys()].filter((l) => l !== DEFAULT_LANG).sort();
}

/** Applies the transform of `lang` to x (length dim) into out (length dim); returns out. */
export function applyTransform(t: LangTransform | undefined, x: ArrayLike<number>, dim: number, out: Float32Array = new Float32Array(dim)): Float32Array {
  const xt = new Float64Array(dim);
  for (let i = 0; i < dim; i++) xt[i] = x[i] - (t?.mean ? t.mean[i] : 0);
  const z = new Float64Array(dim);
  if (t?.W) {
    const W = t.W;
    for (let r = 0; r < dim; r++) {
      let s = 0;
      const o = r * dim;
      for (let c = 0; c < dim; c++) s += W[o + c] * xt[c];
      z[r] = s;
    }
  } else z.set(xt);
  if (t?.U && t.V && t.rank) {
    const r = t.rank;
    const h = new Float64Array(r);
    for (let k = 0; k < r; k++) {
      let s = 0;
      for (let c = 0; c < dim; c++) s += t.V[k * dim + c] * xt[c];
      h[k] = s;
    }
    for (let i = 0; i < dim; i++) {
      let s = 0;
      for (let k = 0; k < r; k++) s += t.U[i * r + k] * h[k];
      z[i] += s;
    }
  }
  let n = 0;
  for (let i = 0; i < dim; i++) n += z[i] * z[i];
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < dim; i++) out[i] = z[i] / n;
  return out;
}

export function applyAdapter(m: AdapterModel, x: ArrayLike<number>, lang: string): Float32Array {
  return applyTransform(transformFor(m, lang), x, m.dim);
}

/** BLOB layout: uint32 header length (LE), UTF-8 JSON header, padding to 4 bytes, float32 arrays. */
export function serializeAdapter(m: AdapterModel): Buffer {
  const arrays: Float32Array[] = [];
  const entries: Record<string, Record<string, number[] | number>> = {};
  let offset = 0;
  for (const [lang, t] of [...m.transforms].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const e: Record<string, number[] | number> = {};
    for (const key of ['mean', 'W', 'U', 'V'] as const) {
      const a = t[key];
      if (!a) continue;
      e[key] = [offset, a.length];
      arrays.push(a);
      offset += a.length;
    }
    if (t.rank) e.rank = t.rank;
    entries[lang] = e;
  }
  const header = Buffer.from(JSON.stringify({ v: 1, dim: m.dim, transforms: entries }), 'utf8');
  const headLen = 4 + header.length;
  const pad = (4 - (headLen % 4)) % 4;
  const out = Buffer.alloc(headLen + pad + offset * 4);
  out.writeUInt32LE(header.length, 0);
  header.copy(out, 4);
  let pos = headLen + pad;
  for (const a of arrays) {
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(out, pos);
    pos += a.byteLength;
  }
  return out;
}

export function deserializeAdapter(buf: Buffer): AdapterModel {
  const hl = buf.readUInt32LE(0);
  const header = JSON.parse(buf.subarray(4, 4 + hl).toString('utf8')) as {
    v: number;
    dim: number;
    transforms: Record<string, Record<string, number[] | number>>;
  };
  const base = 4 + hl + ((4 - ((4 + hl) % 4)) % 4);
  const data = new Float32Array(buf.byteLength - base >= 0 ? (buf.byteLength - base) / 4 : 0);
  new Uint8Array(data.buffer).set(buf.subarray(base));
  const transforms = new Map<string, LangTransform>();
  for (const [lang, e] of Object.entries(header.transforms)) {
    const t: LangTransform = {};
    for (const key of ['mean', 'W', 'U', 'V'] as const) {
      const r = e[key] as number[] | undefined;
      if (r) t[key] = data.slice(r[0], r[0] + r[1]);
    }
    if (typeof e.rank === 'number') t.rank = e.rank;
    transforms.set(lang, t);
  }
  return { dim: header.dim, transforms };
}
