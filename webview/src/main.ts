/**
 * CLIR Workbench webview: experiment comparison, run diff and relevance annotation.
 * Everything the host sends is validated (bridge.ts); every piece of data is rendered as text.
 */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import './workbench.css';

import { PROTOCOL_VERSION, ToWebview } from '../../src/core/views/protocol';
import { onMessage, send } from './bridge';
import { charts, drawCharts, renderCompare, requestComparison, setComparison } from './compare';
import { diff, judgeFromDiff, renderDiff, setDiff } from './diff';
import { typingTarget } from './dom';
import { currentItem, judge, move, noteOpen, openNote, pool, renderJudge, renderJudgeProgress, setAgreement, setPool, undo } from './judge';
import { resuming, revealUnlessResuming, say, tabs } from './shell';
import { assessor, measures, persist, PoolSource, resetState, runs, setHostData, state, TAB } from './state';

tabs.addEventListener('vsc-tabs-select', (e: Event) => {
  state.tab = (e as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
  persist();
  requestAnimationFrame(() => charts.forEach((c) => c.resize()));
});

// ---------------------------------------------------------------------------------------------
// Keyboard
// ---------------------------------------------------------------------------------------------

document.addEventListener('keydown', (e: KeyboardEvent) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (typingTarget(e) || noteOpen) return;
  if (state.tab === TAB.judge && pool && state.pool) {
    if (/^[0-3]$/.test(e.key)) { e.preventDefault(); judge(Number(e.key)); return; }
    switch (e.key) {
      case 'j': case 'ArrowDown': e.preventDefault(); move(1); return;
      case 'k': case 'ArrowUp': e.preventDefault(); move(-1); return;
      case 'u': e.preventDefault(); undo(); return;
      case 'n': e.preventDefault(); openNote(); return;
      case 'o': { const it = currentItem(); if (it?.path) { e.preventDefault(); send({ type: 'openDocument', docId: it.docId, ...(it.start !== undefined ? { start: it.start } : {}), ...(it.end !== undefined ? { end: it.end } : {}) }); } return; }
    }
  }
  if (state.tab === TAB.diff && diff) {
    const row = (e.target as HTMLElement | null)?.closest?.('.diff-row') as HTMLElement | null;
    if (e.key === 'J' || e.key === 'j' || (e.key === 'Enter' && row)) { e.preventDefault(); judgeFromDiff(row?.dataset.docid /* the row's data-docid attribute: DOM markup keeps that name */); return; }
    if (row && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      e.preventDefault();
      const sib = (e.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling) as HTMLElement | null;
      sib?.focus();
    }
  }
});

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

/** Re-requests what was on screen (after a reload, or when the host says its data changed), without switching tabs. */
function resume(): void {
  const c = state.compare;
  if (c.requested && c.runs.length >= 2) {
    resuming.add('comparison');
    requestComparison(false);
  }
  if (state.diff) {
    resuming.add('runDiff');
    send({ type: 'requestRunDiff', ...state.diff });
  }
  if (state.pool && validSource(state.pool.source)) {
    resuming.add('pool');
    send({ type: 'requestPool', source: state.pool.source });
  }
}

/** A pool source the host can rebuild (older states kept a placeholder without runs). */
function validSource(src: PoolSource): boolean {
  return src.type === 'search' ? src.query.trim().length > 0 : src.runs.length > 0;
}

function handle(msg: ToWebview): void {
  switch (msg.type) {
    case 'init': {
      setHostData(msg.runs, msg.measures, msg.assessor);
      document.getElementById('assessor')!.textContent = `Assessor: ${assessor}`;
      if (msg.store !== undefined) {
        // State saved for another store (another folder or notebook collection) does not apply here.
        if (state.store !== undefined && state.store !== msg.store) {
          resetState();
          setComparison(undefined);
          setDiff(undefined);
          setPool(undefined);
        }
        state.store = msg.store;
      }
      const ids = new Set(runs.map((r) => r.id));
      const c = state.compare;
      c.runs = c.runs.filter((r) => ids.has(r));
      if (c.runs.length === 0) c.runs = runs.slice(0, Math.min(2, runs.length)).map((r) => r.id);
      if (!c.runs.includes(c.baseline)) c.baseline = c.runs[0] ?? '';
      if (c.measures.length === 0) c.measures = measures.slice(0, 4);
      if (!measures.includes(c.deltaMeasure)) c.deltaMeasure = measures[0] ?? 'ndcg_cut_10';
      if (!measures.includes(c.heatmapMeasure)) c.heatmapMeasure = measures[0] ?? 'ndcg_cut_10';
      persist();
      renderCompare();
      renderDiff();
      renderJudge();
      tabs.selectedIndex = state.tab;
      say(`${runs.length} runs, ${msg.queries} queries, ${msg.judgements} judgements.`);
      resume();
      return;
    }
    case 'comparison': {
      setComparison(msg.view);
      // A comparison the host opened (e.g. from the Experiments view): make the form match it, and
      // keep it in the state so that a reload shows the same comparison.
      const idOf = (name: string) => runs.find((r) => r.name === name || r.id === name)?.id;
      const ids = msg.view.runs.map(idOf);
      const base = idOf(msg.view.baseline);
      const c = state.compare;
      if (base && ids.every((x): x is string => !!x)) {
        c.baseline = base;
        c.runs = ids;
        c.measures = msg.view.measures.slice();
        c.deltaMeasure = msg.view.deltaMeasure;
        c.heatmapMeasure = msg.view.heatmapMeasure;
        c.k = msg.view.k;
        if (msg.view.test === 't' || msg.view.test === 'randomization' || msg.view.test === 'bootstrap') c.test = msg.view.test;
        if (msg.view.correction === 'none' || msg.view.correction === 'bonferroni' || msg.view.correction === 'holm') c.correction = msg.view.correction;
        c.requested = true;
      }
      persist();
      renderCompare();
      revealUnlessResuming('comparison', TAB.compare);
      say(msg.view.judgedTopics === 0 ? `Compared ${msg.view.runs.length} runs: no relevance judgements for their topics.` : `Compared ${msg.view.runs.length} runs on ${msg.view.measures.length} measures.`);
      return;
    }
    case 'runDiff':
      setDiff(msg.view);
      renderDiff();
      revealUnlessResuming('runDiff', TAB.diff);
      say(`Run diff for ${msg.view.qid}: ${msg.view.summary.unjudged} unjudged.`);
      return;
    case 'pool': {
      const v = msg.view;
      const same = state.pool?.poolId === v.poolId;
      setPool(v);
      if (!state.pool) state.pool = { source: msg.source ?? { type: 'runs', runs: [], depth: 1 }, cursor: 0, undo: [] };
      // A pool the host opened (Judgements view, notebook, Judge command): remember what it was built from.
      else if (msg.source) state.pool.source = msg.source;
      const keep = same && state.pool.cursor < v.items.length ? state.pool.cursor : undefined;
      state.pool.cursor = msg.focusIndex ?? keep ?? Math.min(v.position, Math.max(0, v.items.length - 1));
      state.pool.poolId = v.poolId;
      persist();
      renderJudge();
      revealUnlessResuming('pool', TAB.judge);
      const done = v.items.filter((x) => x.grade !== null).length;
      say(`Pool of ${v.items.length} documents; ${done} judged; resuming at ${Math.min(state.pool.cursor + 1, v.items.length)}.`);
      return;
    }
    case 'judgementSaved': {
      const it = pool?.items.find((x) => x.qid === msg.qid && x.docId === msg.docId);
      if (it) {
        it.grade = msg.grade;
        delete it.imported;
        document.body.dataset.lastSaved = `${msg.qid}/${msg.docId}=${msg.grade ?? 'none'}`;
        renderJudgeProgress();
      }
      if (diff && diff.qid === msg.qid) {
        for (const e of [...diff.a, ...diff.b]) if (e.docId === msg.docId) e.rel = msg.grade;
      }
      return;
    }
    case 'agreement':
      setAgreement(msg.view);
      renderJudge();
      return;
    case 'exportResult':
      say(msg.message, msg.ok ? 'info' : 'error');
      return;
    case 'busy':
      say(`Working on the ${msg.what}…`);
      return;
    case 'error':
      say(msg.message, 'error');
      return;
  }
}


// Re-draw charts when VS Code switches theme (it changes the body class and CSS variables).
new MutationObserver(() => drawCharts()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
window.addEventListener('resize', () => charts.forEach((c) => c.resize()));

onMessage(handle);
renderCompare();
renderDiff();
renderJudge();
send({ type: 'ready', version: PROTOCOL_VERSION });
