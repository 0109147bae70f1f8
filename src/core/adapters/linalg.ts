/** Linear algebra for adapters: orthogonal Procrustes (SVD from ml-matrix) and small vector helpers. */
import { Matrix, SVD } from 'ml-matrix';

/**
 * Orthogonal Procrustes: the orthogonal W (d×d) minimising Σ‖W xᵢ − yᵢ‖² over pairs (xᵢ, yᵢ),
 * W = U Vᵀ where U Σ Vᵀ = SVD(Σ yᵢ xᵢᵀ). `reg` ≥ 0 adds reg·I to the cross-covariance, which pulls
 * directions the pairs do not constrain towards the identity (0: the textbook solution).
 * Returns W row-major as Float64Array.
 */
export function orthogonalProcrustes(xs: ArrayLike<number>[], ys: ArrayLike<number>[], dim: number, reg = 0): Float64Array {
  if (xs.length !== ys.length) throw new Error('procrustes: xs and ys differ in length');
  const acc = new Float64Array(dim * dim);
  for (let n = 0; n < xs.length; n++) {
    const x = xs[n];
    const y = ys[n];
    for (let i = 0; i < dim; i++) {
      const yi = y[i];
      if (yi === 0) continue;
      const o = i * dim;
      for (let j = 0; j < dim; j++) acc[o + j] += yi * x[j];
    }
  }
  if (reg > 0) for (let i = 0; i < dim; i++) acc[i * dim + i] += reg;
  const rows: number[][] = [];
  for (let i = 0; i < dim; i++) rows.push(Array.from(acc.subarray(i * dim, (i + 1) * dim)));
  const C = new Matrix(rows);
  const svd = new SVD(C, { autoTranspose: false });
  const W = svd.leftSingularVectors.mmul(svd.rightSingularVectors.transpose());
  const out = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) out[i * dim + j] = W.get(i, j);
  return out;
}

export function matVec(W: ArrayLike<number>, x: ArrayLike<number>, dim: number, out = new Float64Array(dim)): Float64Array {
  for (let r = 0; r < dim; r++) {
    let s = 0;
    const o = r * dim;
    for (let c = 0; c < dim; c++) s += W[o + c] * x[c];
    out[r] = s;
  }
  return out;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function normalized(x: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(x as ArrayLike<number>);
  let n = 0;
  for (let i = 0; i < out.length; i++) n += out[i] * out[i];
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < out.length; i++) out[i] /= n;
  return out;
}

export function identity(dim: number): Float64Array {
  const I = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) I[i * dim + i] = 1;
  return I;
}

/** Frobenius norm of W − I divided by √d (0 for the identity). */
export function distanceFromIdentity(W: ArrayLike<number>, dim: number): number {
  let s = 0;
  for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) {
    const d = W[i * dim + j] - (i === j ? 1 : 0);
    s += d * d;
  }
  return Math.sqrt(s / dim);
}
