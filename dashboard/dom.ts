/**
 * Building DOM without innerHTML: every piece of data becomes a text node or an attribute
 * value set through the DOM, so `Board & Brew` shows as written and `<script>` stays text.
 */

type Attrs = Record<string, string | number | boolean | null | undefined>;
type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') el.className = String(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** Sets text only when it changed, so a refresh does not disturb a selection or a screen reader. */
export function setText(el: Element, text: string): boolean {
  if (el.textContent === text) return false;
  el.textContent = text;
  return true;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el as T;
}

/** A stable, selector-safe id fragment for a vendor code (codes are [a-z0-9-] already; this is belt and braces). */
export function idFor(prefix: string, code: string): string {
  return `${prefix}-${code.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
}

/**
 * Lets the browser paint and handle input before the next piece of work: the first render is
 * done section by section, each in its own short task, instead of one long task a slow phone
 * cannot interrupt. `scheduler.yield()` where the browser has it (it keeps the queue position), else a new task.
 */
export function yieldToMain(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (scheduler?.yield) return scheduler.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Resolves once the browser has had a chance to render what is on the page (style, layout,
 * paint happen in that frame, not in one long task with everything after it). A hidden tab
 * renders no frames: there a timer stands in.
 */
export function afterNextFrame(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(fallback);
      resolve();
    };
    const fallback = setTimeout(done, 100);
    requestAnimationFrame(() => setTimeout(done, 0));
  });
}

/**
 * Puts sections on the page in order as each one is filled, one section per frame on the
 * first render, one per task on a refresh. Sections only ever join below what is already
 * shown, so nothing on screen moves.
 */
export async function placeInOrder(parent: HTMLElement, steps: ReadonlyArray<readonly [HTMLElement, (() => void) | undefined]>): Promise<void> {
  for (const [section, fill] of steps) {
    fill?.();
    if (section.parentNode === parent) {
      if (fill) await yieldToMain();
      continue;
    }
    parent.append(section);
    await afterNextFrame();
  }
}
