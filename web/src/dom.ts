/** Small DOM helpers: element creation, and the state kept in the URL hash (#run=…&case=…). */

export type Child = Node | string | number | null | undefined | false | Child[];
type AttrValue = string | number | boolean | null | undefined | ((e: Event) => void);
export type Attrs = Record<string, AttrValue>;

/**
 * `h('button', { class: 'x', testid: 'start-run', onclick: f }, 'text')`. `testid` sets
 * data-testid; `on…` functions become listeners; `true` sets an empty attribute, `false`/null
 * leave it out; `value`/`checked` set the property.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(key.slice(2), v as EventListener);
    else if (key === 'testid') el.setAttribute('data-testid', String(v));
    else if (key === 'class') el.className = String(v);
    else if (key === 'value') (el as HTMLInputElement).value = String(v);
    else if (key === 'checked') (el as HTMLInputElement).checked = Boolean(v);
    else el.setAttribute(key, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Replaces the element's children. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

let ids = 0;
/** A unique id, to tie a <label for> to its input. */
export const uid = (prefix: string): string => `${prefix}-${++ids}`;

/** A labelled form field: `<div class="field"><label for>…</label>{input}</div>`. */
export function field(label: string, input: HTMLElement, hint?: string): HTMLDivElement {
  if (!input.id) input.id = uid('f');
  return h('div', { class: 'field' }, h('label', { for: input.id }, label), input, hint ? h('small', { class: 'hint' }, hint) : null);
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// ---------------------------------------------------------------- URL hash

export interface HashState { run?: string; case?: string; tab?: string }

export function readHash(): HashState {
  const p = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const out: HashState = {};
  for (const k of ['run', 'case', 'tab'] as const) {
    const v = p.get(k);
    if (v) out[k] = v;
  }
  return out;
}

/** Merges into the hash (undefined removes a key) without adding a history entry per click. */
export function writeHash(patch: HashState): void {
  // spreading keeps keys set to undefined, which removes them
  const next: HashState = { ...readHash(), ...patch };
  const p = new URLSearchParams();
  for (const k of ['run', 'case', 'tab'] as const) {
    const v = next[k];
    if (v) p.set(k, v);
  }
  const hash = p.toString();
  history.replaceState(null, '', hash ? `#${hash}` : window.location.pathname + window.location.search);
}
