/**
 * Building the page's DOM without ever parsing HTML. Everything a store holds (study, parameter
 * and choice names, attributes) may be hostile (`<img src=x onerror=…>`), so text goes in as text
 * nodes and attribute values through setAttribute: nothing on this page assigns innerHTML,
 * outerHTML or insertAdjacentHTML (page-safety.test.ts checks the sources).
 */

export type Child = Node | string | number | null | undefined | false;
export type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/**
 * An element: `attrs` are set with setAttribute (`true` → present, `false`/null/undefined → left
 * out; a function under an `on…` key is an event listener), children strings become text nodes.
 * @example h('a', { href: '#/', class: 'crumb' }, studyName)
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (typeof value === 'function') {
      if (!key.startsWith('on')) throw new TypeError(`a function can only be an on… listener, not ${key}`);
      el.addEventListener(key.slice(2), value);
    } else if (value === true) el.setAttribute(key, '');
    else if (value !== false && value !== null && value !== undefined) el.setAttribute(key, String(value));
  }
  append(el, ...children);
  return el;
}

/** Appends children (strings as text nodes; null, undefined and false skipped). */
export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Sets an element's text (only when it changed: live updates touch many cards). */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/** Replaces an element's children. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, ...children);
}
