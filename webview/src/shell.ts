/** The panel's shell: header, status line, the three tabs and their panels, and helpers every tab uses. */
import type { PanelCommand } from '../../src/core/views/protocol';
import { send } from './bridge';
import { append, button, clear, h } from './dom';
import { persist, state } from './state';

const app = document.getElementById('app')!;
clear(app);
app.removeAttribute('aria-busy');
export const status = h('div', { id: 'status', role: 'status', 'aria-live': 'polite', class: 'status' });
const header = h('header', { class: 'top' }, h('h1', {}, 'CLIR Workbench'), h('span', { id: 'assessor', class: 'muted' }), status);
export const tabs = h('vscode-tabs', { id: 'tabs', 'selected-index': String(state.tab) }) as HTMLElement & { selectedIndex: number };
export const panels = {
  compare: h('section', { id: 'compare', 'aria-label': 'Experiment comparison' }),
  diff: h('section', { id: 'diff', 'aria-label': 'Run diff' }),
  judge: h('section', { id: 'judge', 'aria-label': 'Relevance annotation' }),
};
for (const [label, key] of [['Compare', 'compare'], ['Run diff', 'diff'], ['Judge', 'judge']] as const) {
  tabs.appendChild(h('vscode-tab-header', { slot: 'header', 'data-tab': key }, label));
  tabs.appendChild(h('vscode-tab-panel', { 'aria-label': label }, panels[key]));
}
append(app, header, tabs);

export function showTab(i: number): void {
  state.tab = i;
  tabs.selectedIndex = i;
  persist();
}

/** Views re-requested after a reload: their answers must not move the user off the tab they were on. */
export const resuming = new Set<string>();

/** Shows the tab of a view the host sent, unless the view is only being restored after a reload. */
export function revealUnlessResuming(what: string, tab: number): void {
  if (resuming.delete(what)) return;
  if (state.tab !== tab) showTab(tab);
}

export function say(msg: string, kind: 'info' | 'error' = 'info'): void {
  status.textContent = msg;
  status.className = `status ${kind}`;
}

/** A button that asks the host to run one of the allowed VS Code commands. */
export function commandButton(label: string, command: PanelCommand, attrs: Record<string, string | boolean> = {}, runsFor?: () => string[]): HTMLElement {
  return button(label, () => {
    const r = runsFor?.() ?? [];
    send({ type: 'runCommand', command, ...(r.length ? { runs: r } : {}) });
  }, { 'data-command': command, ...attrs });
}
