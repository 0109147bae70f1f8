import {
  QueryContext,
  averagePrecisionAt,
  judgedAt,
  ndcgAt,
  numQ,
  numRel,
  numRelRet,
  numRet,
  precisionAt,
  rPrecision,
  recallAt,
  reciprocalRankAt,
  successAt,
} from './metrics';

/**
 * Measure names. Output names follow trec_eval (`P_10`, `ndcg_cut_10`, `map`, ...); inputs may
 * also use trec_eval's `-m` syntax (`P.5,10`) or ir_measures names (`P@10`, `nDCG@10`, `RR@10`,
 * `AP@100`, `R@100`, `Success@5`, `Judged@10`).
 */
export interface MeasureDef {
  /** Canonical output name, e.g. `ndcg_cut_10`. */
  name: string;
  /** Family, e.g. `ndcg_cut`. */
  family: string;
  cutoff?: number;
  /** The ir_measures spelling, for documentation and JSON output. */
  irMeasures: string;
  /** `int` measures print without decimals (trec_eval's long measures). */
  kind: 'float' | 'int';
  /** How the `all` line is formed: mean over queries, or sum (num_ret, num_rel, num_rel_ret, num_q). */
  aggregate: 'mean' | 'sum';
  /** True for measures trec_eval itself computes (comparable to trec_eval output). */
  trecEval: boolean;
  compute(c: QueryContext): number;
}

interface Family {
  family: string;
  aliases: string[];
  needsCutoff: 'yes' | 'no' | 'optional';
  make(k?: number): Omit<MeasureDef, 'family' | 'cutoff'>;
}

const FAMILIES: Family[] = [
  {
    family: 'P',
    aliases: ['p', 'precision', 'prec'],
    needsCutoff: 'yes',
    make: (k) => ({ name: `P_${k}`, irMeasures: `P@${k}`, kind: 'float', aggregate: 'mean', trecEval: true, compute: (c) => precisionAt(c, k as number) }),
  },
  {
    family: 'recall',
    aliases: ['recall', 'r'],
    needsCutoff: 'yes',
    make: (k) => ({ name: `recall_${k}`, irMeasures: `R@${k}`, kind: 'float', aggregate: 'mean', trecEval: true, compute: (c) => recallAt(c, k as number) }),
  },
  {
    family: 'ndcg_cut',
    aliases: ['ndcg_cut', 'ndcg'],
    needsCutoff: 'optional',
    make: (k) =>
      k === undefined
        ? { name: 'ndcg', irMeasures: 'nDCG', kind: 'float', aggregate: 'mean', trecEval: true, compute: (c) => ndcgAt(c, Infinity, 'linear') }
        : { name: `ndcg_cut_${k}`, irMeasures: `nDCG@${k}`, kind: 'float', aggregate: 'mean', trecEval: true, compute: (c) => ndcgAt(c, k, 'linear') },
  },
  {
    family: 'ndcg_exp_cut',
    aliases: ['ndcg_exp_cut', 'ndcg_exp'],
    needsCutoff: 'optional',
    make: (k) =>
      k === undefined
        ? { name: 'ndcg_exp', irMeasures: 'nDCG(gains=2^rel-1)', kind: 'float', aggregate: 'mean', trecEval: false, compute: (c) => ndcgAt(c, Infinity, 'exp') }
        : { name: `ndcg_exp_cut_${k}`, irMeasures: `nDCG(gains=2^rel-1)@${k}`, kind: 'float', aggregate: 'mean', trecEval: false, compute: (c) => ndcgAt(c, k, 'exp') },
  },
  {
    family: 'recip_rank',
    aliases: ['recip_rank', 'recip_rank_cut', 'rr', 'mrr'],
    needsCutoff: 'optional',
    make: (k) =>
      k === undefined
        ? { name: 'recip_rank', irMeasures: 'RR', kind: 'float', aggregate: 'mean', trecEval: true, compute: (c) => reciprocalRankAt(c) }
        : { name: `recip_rank_cut_${k}`, irMeasures: `RR@${k}`, kind: 'float', aggregate: 'mean', trecEval: false, compute: (c) => reciprocalRankAt(c, k) },
  },
  {
    family: 'map',
    aliases: ['map', 'map_cut', 'ap'],
    needsCutoff: 'optional',
    make: (k) =>
      k === undefined
        ? { name: 'map', irMeasures: 'AP', kind: 'float', aggregate: 'mean', trecEval: true, compute: (c) => averagePrecisionAt(c) }
        : { name: `map_cut_${k}`, irMeasures: `AP@${k}`, kind: 'float', aggregate: 'mean', trecEval: true, compute: (c) => averagePrecisionAt(c, k) },
  },
  {
    family: 'Rprec',
    aliases: ['rprec', 'r-prec', 'r_prec'],
    needsCutoff: 'no',
    make: () => ({ name: 'Rprec', irMeasures: 'Rprec', kind: 'float', aggregate: 'mean', trecEval: true, compute: rPrecision }),
  },
  {
    family: 'success',
    aliases: ['success'],
    needsCutoff: 'yes',
    make: (k) => ({ name: `success_${k}`, irMeasures: `Success@${k}`, kind: 'float', aggregate: 'mean', trecEval: true, compute: (c) => successAt(c, k as number) }),
  },
  {
    family: 'judged',
    aliases: ['judged'],
    needsCutoff: 'yes',
    make: (k) => ({ name: `judged_${k}`, irMeasures: `Judged@${k}`, kind: 'float', aggregate: 'mean', trecEval: false, compute: (c) => judgedAt(c, k as number) }),
  },
  { family: 'num_q', aliases: ['num_q', 'numq'], needsCutoff: 'no', make: () => ({ name: 'num_q', irMeasures: 'NumQ', kind: 'int', aggregate: 'sum', trecEval: true, compute: numQ }) },
  { family: 'num_ret', aliases: ['num_ret', 'numret'], needsCutoff: 'no', make: () => ({ name: 'num_ret', irMeasures: 'NumRet', kind: 'int', aggregate: 'sum', trecEval: true, compute: numRet }) },
  { family: 'num_rel', aliases: ['num_rel', 'numrel'], needsCutoff: 'no', make: () => ({ name: 'num_rel', irMeasures: 'NumRel', kind: 'int', aggregate: 'sum', trecEval: true, compute: numRel }) },
  {
    family: 'num_rel_ret',
    aliases: ['num_rel_ret', 'numrelret'],
    needsCutoff: 'no',
    make: () => ({ name: 'num_rel_ret', irMeasures: 'NumRelRet', kind: 'int', aggregate: 'sum', trecEval: true, compute: numRelRet }),
  },
];

const BY_ALIAS = new Map<string, Family>();
for (const f of FAMILIES) for (const a of f.aliases) BY_ALIAS.set(a, f);

/** The default measure set for CLIR experiments. */
export const DEFAULT_MEASURES = ['ndcg_cut_10', 'recall_100', 'recip_rank', 'map', 'P_10'];

/** Thrown for a measure name that cannot be parsed. */
export class MeasureNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MeasureNameError';
  }
}

const NAME = /^([A-Za-z][A-Za-z_-]*?)(?:[_.@]([0-9][0-9,]*))?$/;

/**
 * Parses one measure name into one or more definitions (`P.5,10` gives P_5 and P_10).
 * Accepted: `P_10 P.10 P@10 recall_100 R@100 ndcg ndcg_cut_10 nDCG@10 ndcg_exp_cut_10
 * recip_rank RR RR@10 map AP map_cut_100 AP@100 Rprec success_5 Success@5 judged_10
 * Judged@10 num_q num_ret num_rel num_rel_ret`.
 */
export function parseMeasure(spec: string): MeasureDef[] {
  const s = spec.trim();
  const m = NAME.exec(s);
  if (!m) throw new MeasureNameError(`unknown measure "${spec}" (examples: P_10, nDCG@10, recip_rank, map, recall_100)`);
  const fam = BY_ALIAS.get(m[1].toLowerCase());
  if (!fam) throw new MeasureNameError(`unknown measure "${spec}" (known: ${FAMILIES.map((f) => f.family).join(', ')})`);
  const cutoffs = m[2] === undefined ? [] : m[2].split(',').filter((x) => x !== '');
  if (fam.needsCutoff === 'yes' && cutoffs.length === 0) {
    throw new MeasureNameError(`measure "${spec}" needs a cut-off, e.g. ${fam.family}_10`);
  }
  if (cutoffs.length === 0 && m[1].toLowerCase().endsWith('_cut')) {
    throw new MeasureNameError(`measure "${spec}" needs a cut-off, e.g. ${m[1]}_10`);
  }
  if (fam.needsCutoff === 'no' && cutoffs.length > 0) {
    throw new MeasureNameError(`measure "${spec}" takes no cut-off`);
  }
  if (cutoffs.length === 0) return [{ family: fam.family, ...fam.make(undefined) }];
  return cutoffs.map((x) => {
    const k = Number(x);
    if (!Number.isSafeInteger(k) || k < 1) throw new MeasureNameError(`measure "${spec}": cut-off must be a positive integer`);
    return { family: fam.family, cutoff: k, ...fam.make(k) };
  });
}

/** Parses a list of names (each may also be comma/space separated), removing duplicates. */
export function parseMeasures(specs: readonly string[]): MeasureDef[] {
  const out: MeasureDef[] = [];
  const seen = new Set<string>();
  for (const raw of specs) {
    // "P.5,10" must stay together; split on whitespace and on commas that start a new name.
    for (const part of raw.split(/\s+|,(?=[A-Za-z])/)) {
      if (part === '') continue;
      for (const d of parseMeasure(part)) {
        if (!seen.has(d.name)) {
          seen.add(d.name);
          out.push(d);
        }
      }
    }
  }
  return out;
}
