/**
 * DOM helpers. Data is ALWAYS inserted as text (textContent / text nodes); no innerHTML anywhere
 * in the webview. Attributes are set through setAttribute, never by building markup.
 */

type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, ...children: Child[]): HTMLElementTagNameMap[K];
export function h(tag: string, attrs?: Attrs, ...children: Child[]): HTMLElement;
export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (/^on/i.test(k)) throw new Error('event handler attributes are not allowed');
    el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, ...children);
  return el;
}

export function append(el: Element, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** Text with [start, end) ranges wrapped in <mark>, built from text nodes only. */
export function highlighted(text: string, ranges: readonly (readonly [number, number])[], cls = 'snippet'): HTMLElement {
  const el = h('span', { class: cls });
  let at = 0;
  const sorted = [...ranges].filter(([s, e]) => e > s && s >= 0 && e <= text.length).sort((a, b) => a[0] - b[0]);
  for (const [s, e] of sorted) {
    if (s < at) continue;
    if (s > at) el.appendChild(document.createTextNode(text.slice(at, s)));
    el.appendChild(h('mark', {}, text.slice(s, e)));
    at = e;
  }
  if (at < text.length) el.appendChild(document.createTextNode(text.slice(at)));
  return el;
}

export function button(label: string, onClick: () => void, attrs: Attrs = {}): HTMLElement {
  const b = h('vscode-button', { ...attrs }, label);
  b.addEventListener('click', () => {
    if (!b.hasAttribute('disabled')) onClick();
  });
  return b;
}

export function badge(textValue: string, attrs: Attrs = {}): HTMLElement {
  return h('vscode-badge', { variant: 'counter', ...attrs }, textValue);
}

export function fmt(x: number | null | undefined, digits = 4): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits);
}

export function fmtP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '–';
  return p < 0.0001 ? '<0.0001' : p.toFixed(4);
}

/** A labelled single select (vscode-single-select) with options value -> label. */
export function select(label: string, options: readonly { value: string; label: string }[], value: string, onChange: (v: string) => void, id?: string): HTMLElement {
  const sel = h('vscode-single-select', { 'aria-label': label, id }) as HTMLElement & { value: string };
  for (const o of options) {
    const opt = h('vscode-option', { value: o.value }, o.label);
    if (o.value === value) opt.setAttribute('selected', '');
    sel.appendChild(opt);
  }
  sel.addEventListener('change', () => onChange(sel.value));
  const wrap = h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), sel);
  return wrap;
}

export function checkbox(label: string, checked: boolean, onChange: (v: boolean) => void, attrs: Attrs = {}): HTMLElement {
  const cb = h('vscode-checkbox', { ...attrs, checked, label }) as HTMLElement & { checked: boolean };
  cb.addEventListener('change', () => onChange(cb.checked));
  return cb;
}

export function textfield(label: string, value: string, onChange: (v: string) => void, attrs: Attrs = {}): HTMLElement {
  const tf = h('vscode-textfield', { 'aria-label': label, value, ...attrs }) as HTMLElement & { value: string };
  tf.addEventListener('change', () => onChange(tf.value));
  return h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), tf);
}

/** Is the keyboard focus in something that takes text input? (Then single-key shortcuts are off.) */
export function typingTarget(e: Event): boolean {
  for (const t of e.composedPath()) {
    if (!(t instanceof HTMLElement)) continue;
    const tag = t.tagName.toLowerCase();
    if (tag === 'input' || tag === 'textarea' || tag === 'vscode-textfield' || tag === 'vscode-textarea' || t.isContentEditable) return true;
    if (tag === 'vscode-single-select' || tag === 'vscode-multi-select') return true;
  }
  return false;
}
