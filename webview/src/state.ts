/**
 * The webview's state: what is persisted across reloads (`state`, via the VS Code webview state) and
 * what the host sent in `init` (runs, measures, assessor). Other modules read the live bindings and
 * change them only through the functions here.
 */
import type { RunInfo, ToHostOf } from '../../src/core/views/protocol';
import { getState, setState } from './bridge';

export type PoolSource = ToHostOf<'requestPool'>['source'];

export interface UndoEntry {
  poolId: string;
  qid: string;
  docId: string;
  previous: number | null;
  previousNote?: string;
}

export interface State {
  /** The store the state belongs to (init's `store`): a reload on another store starts afresh. */
  store?: string;
  tab: number;
  compare: {
    runs: string[];
    baseline: string;
    measures: string[];
    deltaMeasure: string;
    heatmapMeasure: string;
    k: number;
    test: 't' | 'randomization' | 'bootstrap';
    correction: 'none' | 'bonferroni' | 'holm';
    chartRun?: string;
    page: number;
    requested: boolean;
  };
  diff?: { qid: string; runA: string; runB: string; k: number };
  pool?: { source: PoolSource; poolId?: string; cursor: number; undo: UndoEntry[] };
  poolDepth: number;
  search: string;
}

export const TAB = { compare: 0, diff: 1, judge: 2 } as const;
export const PAGE = 50;

export const freshState = (): State => ({
  tab: 0,
  compare: { runs: [], baseline: '', measures: [], deltaMeasure: 'ndcg_cut_10', heatmapMeasure: 'ndcg_cut_10', k: 10, test: 't', correction: 'holm', page: 0, requested: false },
  poolDepth: 10,
  search: '',
});
const saved = getState<State>();
export let state: State = saved && saved.compare ? saved : freshState();
export const persist = (): void => setState(state);

/** Starts afresh (state saved for another store does not apply). */
export function resetState(): void {
  state = freshState();
}

export let runs: RunInfo[] = [];
export let measures: string[] = [];
export let assessor = '';

/** What `init` says about the store: its runs, measures and the assessor. */
export function setHostData(r: RunInfo[], m: string[], a: string): void {
  runs = r;
  measures = m;
  assessor = a;
}

export const runName = (id: string): string => runs.find((r) => r.id === id)?.name ?? id;
export const runId = (name: string): string => runs.find((r) => r.name === name)?.id ?? name;
