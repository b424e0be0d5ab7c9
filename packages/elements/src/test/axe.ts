// axe-core ships as a UMD script; imported for its side effect it sets `window.axe`.
import 'axe-core/axe.min.js';
import type * as Axe from 'axe-core';

declare global {
  interface Window {
    axe: typeof Axe;
  }
}

/** The WCAG 2.x A and AA rules; page-level best practices do not apply to a lone element. */
const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Fails with a readable list when axe finds any WCAG A/AA violation in `element` (shadow roots included). */
export async function expectAccessible(element: Element): Promise<void> {
  const results = await window.axe.run(element, { runOnly: { type: 'tag', values: wcagTags } });
  if (results.violations.length === 0) return;
  const report = results.violations
    .map((violation) => {
      const targets = violation.nodes.map((node) => JSON.stringify(node.target)).join(', ');
      return `${violation.id} (${violation.impact ?? 'unknown'}): ${violation.help} at ${targets}`;
    })
    .join('\n');
  throw new Error(`axe found ${results.violations.length} accessibility violation(s):\n${report}`);
}
