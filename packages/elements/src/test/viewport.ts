// Layout checks for the browser tests: an element at a phone's width (390 px) and a desk's (1280 px)
// has no horizontal scroll inside it, touch targets of at least 44 px and no controls on top of each other.
import { setViewport } from '@web/test-runner-commands';

/** The widths every element is tested at. */
export const phoneWidth = 390;
export const deskWidth = 1280;

/** The smallest touch target, in CSS pixels (WCAG 2.5.5, Apple HIG). */
export const minTarget = 44;

/** Sets the browser's viewport; tests that change it put it back with `resetViewport` in `afterEach`. */
export async function useViewport(width: number, height = width === phoneWidth ? 844 : 800): Promise<void> {
  await setViewport({ width, height });
}

/** Back to the test runner's default desk size. */
export async function resetViewport(): Promise<void> {
  await setViewport({ width: 800, height: 600 });
}

/** Every element under `root`, through open shadow roots (in tree order). */
export function deepElements(root: Element | ShadowRoot): HTMLElement[] {
  const found: HTMLElement[] = [];
  const walk = (node: Element | ShadowRoot) => {
    for (const child of node.children) {
      if (child instanceof HTMLElement) found.push(child);
      if (child.shadowRoot) walk(child.shadowRoot);
      walk(child);
    }
  };
  if (root instanceof Element && root.shadowRoot) walk(root.shadowRoot);
  walk(root);
  return found;
}

function visible(element: HTMLElement): boolean {
  const rect = element.getBoundingClientRect();
  if (rect.width === 0 || rect.height === 0) return false;
  const style = getComputedStyle(element);
  return style.visibility !== 'hidden' && style.display !== 'none';
}

/** The controls people tap: buttons, links, fields, and the labels of checkboxes and radios (their target). */
export function tapTargets(root: Element): HTMLElement[] {
  return deepElements(root).filter((el) => {
    if (!visible(el)) return false;
    if (el.closest('.sr-only, [aria-hidden="true"]')) return false;
    if (el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio')) return false;
    if (el instanceof HTMLInputElement && el.type === 'hidden') return false;
    if (el instanceof HTMLLabelElement) return Boolean(el.querySelector('input[type="checkbox"], input[type="radio"]'));
    return el.matches('button, a[href], input, select, textarea, summary, [role="button"], [role="tab"], [role="option"], [role="menuitem"]');
  });
}

function describe(el: HTMLElement): string {
  const text = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
  return `<${el.localName}${el.getAttribute('part') ? ` part="${el.getAttribute('part')}"` : ''}> "${text}"`;
}

/**
 * Fails when anything inside `root` scrolls sideways or sticks out past its right edge, when a tap
 * target is smaller than 44 px high (or narrower than 44 px), or when two tap targets overlap.
 * `scrollers` names elements that scroll sideways on purpose (a board's columns), whose own width is
 * still checked.
 */
export function expectFitsLayout(root: HTMLElement, { scrollers = [] as string[] } = {}): void {
  const problems: string[] = [];
  const outer = root.getBoundingClientRect();
  if (outer.right > window.innerWidth + 1) problems.push(`the element is ${Math.round(outer.width)} px wide in a ${window.innerWidth} px viewport`);
  if (document.documentElement.scrollWidth > window.innerWidth + 1) problems.push(`the page scrolls sideways (${document.documentElement.scrollWidth} px)`);
  const elements = [root, ...deepElements(root)];
  const insideScroller = (el: HTMLElement) => scrollers.some((selector) => el.parentElement?.closest(selector) || (el.getRootNode() as ShadowRoot).host?.closest?.(selector));
  for (const el of elements) {
    if (!visible(el) || el.closest('.sr-only')) continue;
    if (scrollers.some((selector) => el.matches(selector))) continue;
    if (insideScroller(el)) continue;
    const style = getComputedStyle(el);
    if (el.scrollWidth > el.clientWidth + 1 && /auto|scroll/.test(style.overflowX)) problems.push(`${describe(el)} scrolls sideways (${el.scrollWidth} > ${el.clientWidth})`);
    const rect = el.getBoundingClientRect();
    if (rect.right > outer.right + 1 && style.position !== 'fixed') problems.push(`${describe(el)} sticks out (${Math.round(rect.right)} > ${Math.round(outer.right)})`);
  }
  const targets = tapTargets(root);
  for (const el of targets) {
    const rect = el.getBoundingClientRect();
    if (rect.height < minTarget - 0.5 || rect.width < minTarget - 0.5) problems.push(`${describe(el)} is ${Math.round(rect.width)}×${Math.round(rect.height)} px, under ${minTarget} px`);
  }
  const boxes = targets.map((el) => ({ el, rect: el.getBoundingClientRect() }));
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const overlapX = Math.min(a.rect.right, b.rect.right) - Math.max(a.rect.left, b.rect.left);
      const overlapY = Math.min(a.rect.bottom, b.rect.bottom) - Math.max(a.rect.top, b.rect.top);
      if (overlapX > 1 && overlapY > 1) problems.push(`${describe(a.el)} overlaps ${describe(b.el)}`);
    }
  }
  if (problems.length) throw new Error(`layout at ${window.innerWidth} px:\n${[...new Set(problems)].join('\n')}`);
}
