/** Inter-assessor agreement: Cohen's kappa (unweighted, binary, quadratic-weighted). */
import type { JudgementRecord } from './dataSource';

/**
 * Cohen's kappa for two raters' labels of the same items: (po - pe) / (1 - pe), where po is the
 * observed agreement and pe the agreement expected from the raters' marginal distributions.
 * `weights` = 'quadratic' gives weighted kappa with weights 1 - ((i - j) / (c - 1))^2 over the
 * ordered categories `categories`. Returns NaN for no items; 1 when pe = 1 and raters agree.
 */
export function cohenKappa(
  a: readonly (number | string)[],
  b: readonly (number | string)[],
  opts: { weights?: 'none' | 'quadratic'; categories?: readonly (number | string)[] } = {},
): { kappa: number; observed: number; expected: number; n: number } {
  if (a.length !== b.length) throw new Error('cohenKappa: label lists differ in length');
  const n = a.length;
  if (n === 0) return { kappa: NaN, observed: NaN, expected: NaN, n };
  const cats = opts.categories ? [...opts.categories] : Array.from(new Set([...a, ...b])).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const index = new Map(cats.map((c, i) => [c, i]));
  const c = cats.length;
  const m: number[][] = Array.from({ length: c }, () => new Array<number>(c).fill(0));
  for (let i = 0; i < n; i++) {
    const x = index.get(a[i]);
    const y = index.get(b[i]);
    if (x === undefined || y === undefined) throw new Error(`cohenKappa: label outside categories (${String(a[i])}, ${String(b[i])})`);
    m[x][y]++;
  }
  const w = (i: number, j: number): number => {
    if (opts.weights === 'quadratic') return c <= 1 ? 1 : 1 - ((i - j) / (c - 1)) ** 2;
    return i === j ? 1 : 0;
  };
  const rowSum = m.map((r) => r.reduce((s, v) => s + v, 0));
  const colSum = cats.map((_, j) => m.reduce((s, r) => s + r[j], 0));
  let po = 0;
  let pe = 0;
  for (let i = 0; i < c; i++) {
    for (let j = 0; j < c; j++) {
      po += (w(i, j) * m[i][j]) / n;
      pe += (w(i, j) * rowSum[i] * colSum[j]) / (n * n);
    }
  }
  const kappa = pe >= 1 ? (po >= 1 ? 1 : NaN) : (po - pe) / (1 - pe);
  return { kappa, observed: po, expected: pe, n };
}

export interface AgreementPair {
  a: string;
  b: string;
  /** Pairs (query, document) judged by both. */
  n: number;
  observed: number | null;
  kappa: number | null;
  /** Kappa on relevant (grade >= relevanceLevel) versus not. */
  binaryKappa: number | null;
  /** Quadratic-weighted kappa on grades 0..3. */
  weightedKappa: number | null;
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** Latest judgement per (assessor, qid, docid). */
export function latestJudgements(js: readonly JudgementRecord[]): Map<string, Map<string, JudgementRecord>> {
  const byAssessor = new Map<string, Map<string, JudgementRecord>>();
  for (const j of js) {
    let m = byAssessor.get(j.assessor);
    if (!m) byAssessor.set(j.assessor, (m = new Map()));
    const key = `${j.qid}\u0000${j.docId}`;
    const prev = m.get(key);
    if (!prev || prev.at <= j.at) m.set(key, j);
  }
  return byAssessor;
}

/** Agreement between every pair of assessors over the pairs both judged. */
export function assessorAgreement(js: readonly JudgementRecord[], relevanceLevel = 1): { assessors: { assessor: string; judged: number }[]; pairs: AgreementPair[] } {
  const by = latestJudgements(js);
  const names = Array.from(by.keys()).sort();
  const pairs: AgreementPair[] = [];
  for (let i = 0; i < names.length; i++) {
    for (let k = i + 1; k < names.length; k++) {
      const A = by.get(names[i])!;
      const B = by.get(names[k])!;
      const ga: number[] = [];
      const gb: number[] = [];
      for (const [key, ja] of A) {
        const jb = B.get(key);
        if (jb) {
          ga.push(ja.grade);
          gb.push(jb.grade);
        }
      }
      if (ga.length === 0) continue;
      const grades = [0, 1, 2, 3];
      const plain = cohenKappa(ga, gb, { categories: grades });
      const weighted = cohenKappa(ga, gb, { categories: grades, weights: 'quadratic' });
      const bin = cohenKappa(ga.map((g) => (g >= relevanceLevel ? 1 : 0)), gb.map((g) => (g >= relevanceLevel ? 1 : 0)), { categories: [0, 1] });
      pairs.push({
        a: names[i],
        b: names[k],
        n: ga.length,
        observed: finiteOrNull(plain.observed),
        kappa: finiteOrNull(plain.kappa),
        binaryKappa: finiteOrNull(bin.kappa),
        weightedKappa: finiteOrNull(weighted.kappa),
      });
    }
  }
  return { assessors: names.map((a) => ({ assessor: a, judged: by.get(a)!.size })), pairs };
}
