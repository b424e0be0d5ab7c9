/**
 * What the customer-portal browser tests share: the portal's tag, a JSON fetch that fails loudly, axe's
 * WCAG 2.1 A/AA check inside the portal, and a real keyboard walk to an element in its shadow root.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'puppeteer-core';

export const PORTAL = 'crm-customer-portal';
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The body of an answer that must be 2xx; anything else throws with its status and problem. */
export async function json(res: Response) {
  const body = await res.json();
  if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** axe's WCAG 2.1 A/AA violations in `selector` (axe reads open shadow roots). */
export async function axeViolations(page: Page, selector = PORTAL): Promise<string[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async (s) => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> } }).axe;
    const result = await axe.run({ include: [[s]] }, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => `${v.id} ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  }, selector);
}

/** Tabs until the focused element inside the portal's shadow root matches `predicate` (a real keyboard walk). */
export async function tabTo(page: Page, describe: string, predicate: string, max = 40) {
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    const hit = await page.evaluate((h, p) => {
      const active = document.querySelector(h)?.shadowRoot?.activeElement as HTMLElement | null;
      return active ? (new Function('el', `return ${p}`) as (el: HTMLElement) => boolean)(active) : false;
    }, PORTAL, predicate);
    if (hit) return;
  }
  throw new Error(`could not reach ${describe} by Tab`);
}
