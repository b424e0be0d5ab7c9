/**
 * What only the campaign card needs from the page (kept out of the shared chunk, which the signup form
 * downloads too): what this visitor did to a campaign, and a way to let the page run between two tasks.
 */
const memory = new Map<string, boolean>();

/** Remembers per browser what this visitor did to a campaign (to show a pressed like button). */
export function remembered(code: string, kind: string, set = false): boolean {
  const key = `crm-widgets:${kind}:${code.toUpperCase()}`;
  if (!set && memory.has(key)) return memory.get(key)!;
  let value = set;
  try {
    if (set) localStorage.setItem(key, '1');
    else value = localStorage.getItem(key) === '1';
  } catch {
    // Storage blocked: remembered for this page only.
  }
  memory.set(key, value);
  return value;
}

/**
 * Resolves in a later task, so the partner page's own input and frames can run in between two pieces
 * of a widget's work (`scheduler.yield()` where the browser has it, else a zero timeout).
 */
export function yieldToPage(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  return scheduler?.yield ? scheduler.yield() : new Promise((resolve) => setTimeout(resolve, 0));
}
