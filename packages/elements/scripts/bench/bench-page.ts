// The page the benchmark drives in Chromium: it mounts the board and the list on the in-memory API
// (100k records and more), lets them page on demand as they scroll, and exposes measurements to
// scripts/bench/bench.mjs through `window.bench`.
import '../../src/contact-list/contact-list.js';
import '../../src/pipeline-board/pipeline-board.js';
import '../../src/provider/provider.js';
import type { PipelineStage } from '../../src/shared/api/types.js';
import { createMemoryApi } from '../../src/test/memory-api.js';

const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));

/** Frame-to-frame gaps while `step(i)` runs once per frame for `frames` frames. */
async function frames(count: number, step: (i: number) => void): Promise<{ maxMs: number; p95Ms: number; over50: number }> {
  const gaps: number[] = [];
  let last = await frame();
  for (let i = 0; i < count; i++) {
    step(i);
    const now = await frame();
    gaps.push(now - last);
    last = now;
  }
  gaps.sort((a, b) => a - b);
  return { maxMs: +gaps[gaps.length - 1]!.toFixed(1), p95Ms: +gaps[Math.floor(gaps.length * 0.95)]!.toFixed(1), over50: gaps.filter((g) => g > 50).length };
}

function stages(n: number): PipelineStage[] {
  return Array.from({ length: n }, (_, i) => ({ key: `s${i}`, name: `Stage ${i + 1}`, probability: 10 * i, kind: 'open' as const }));
}

const nodes = (root: Element) => root.shadowRoot!.querySelectorAll('*').length + 1;

async function until(check: () => boolean): Promise<void> {
  while (!check()) await frame();
}

async function mount(html: string, client: unknown): Promise<HTMLElement> {
  const host = document.getElementById('host')!;
  host.innerHTML = '';
  const provider = document.createElement('crm-provider') as HTMLElement & { client: unknown; theme: string };
  provider.client = client;
  provider.theme = 'light';
  provider.innerHTML = html;
  host.append(provider);
  return provider.firstElementChild as HTMLElement;
}

/** Requests the element made to the in-memory API, by kind. */
function requests(memory: ReturnType<typeof createMemoryApi>) {
  const gets = memory.calls.filter((c) => c.method === 'GET');
  return {
    board: gets.filter((c) => /\/board$/.test(c.path)).length,
    columnPages: gets.filter((c) => c.path === '/v1/opportunities').length,
    contactPages: gets.filter((c) => c.path === '/v1/contacts').length,
    // The largest page the element asked for (of contacts or of a column's cards).
    maxLimit: Math.max(0, ...gets.filter((c) => c.path === '/v1/opportunities' || c.path === '/v1/contacts').map((c) => Number((c.query as Record<string, string> | undefined)?.limit ?? 0))),
  };
}

/**
 * The board with `total` cards in `columns` columns, loaded as a person would: the board answer
 * (`perStage` cards a column), then further pages of a column only as it scrolls to its loaded end.
 */
async function boardRun(total: number, columns = 10) {
  const memory = createMemoryApi({ stages: stages(columns), cardsPerStage: total / columns });
  memory.calls.length = 0;
  const start = performance.now();
  const el = await mount(`<crm-pipeline-board pipeline-id="p1" per-stage="50" no-filters></crm-pipeline-board>`, memory.client);
  await until(() => Boolean(el.shadowRoot?.querySelector('[part~="card"]')));
  await frame();
  const firstRenderMs = +(performance.now() - start).toFixed(1);
  const atFirstRender = requests(memory);
  const loadedCards = () => (el as unknown as { columns: Array<{ cards: unknown[] }> }).columns.reduce((n, c) => n + c.cards.length, 0);
  const scrollers = [...el.shadowRoot!.querySelectorAll<HTMLElement>('.scroller')];
  // Every column scrolls down 400 px a frame, so columns reach their loaded end and page on demand.
  const scroll = await frames(240, () => {
    for (const s of scrollers) s.scrollTop += 400;
  });
  const afterScroll = requests(memory);
  const loaded = loadedCards();
  const domNodes = nodes(el);
  for (const s of scrollers) s.scrollTop = 0;
  await frame();
  // Keyboard drag: pick up the first card and carry it across every column and down each, then drop back.
  const card = el.shadowRoot!.querySelector<HTMLElement>('[part~="card"]')!;
  card.focus();
  const key = (k: string) => el.shadowRoot!.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, composed: true }));
  key(' ');
  const keys = ['ArrowRight', 'ArrowDown', 'ArrowDown', 'ArrowRight', 'ArrowDown'];
  const keyboardDrag = await frames(120, (i) => key(i < 100 ? keys[i % keys.length]! : 'ArrowLeft'));
  key('Escape');
  // Pointer drag: dragover sweeping across columns, as the browser sends it while a card is dragged.
  const dataTransfer = new DataTransfer();
  el.shadowRoot!.querySelector<HTMLElement>('[part~="card"]')!.dispatchEvent(new DragEvent('dragstart', { bubbles: true, composed: true, dataTransfer }));
  const targets = scrollers.map((s) => s.getBoundingClientRect());
  const pointerDrag = await frames(240, (i) => {
    const box = targets[i % targets.length]!;
    const target = scrollers[i % scrollers.length]!;
    target.scrollTop = (i * 131) % Math.max(1, target.scrollHeight - target.clientHeight);
    target.dispatchEvent(new DragEvent('dragover', { clientX: box.left + 30, clientY: box.top + ((i * 37) % box.height), bubbles: true, composed: true, cancelable: true, dataTransfer }));
  });
  el.shadowRoot!.querySelector<HTMLElement>('[part~="card"]')!.dispatchEvent(new DragEvent('dragend', { bubbles: true, composed: true }));
  return { total, columns, loaded, firstRenderMs, atFirstRender, afterScroll, domNodes, scroll, keyboardDrag, pointerDrag };
}

/**
 * The contact list over `total` contacts, 100 a page: first render, then 300 frames of scrolling
 * 600 px a frame, which reaches the loaded end again and again, so pages are fetched on demand.
 */
async function listRun(total: number) {
  const memory = createMemoryApi({ contacts: total });
  // The double sorts its contacts once per query, as a server's index would have them sorted already:
  // that happens here, outside the measurement, so first render times the element and one page.
  await memory.client.contacts.list({ limit: 1, sort: 'lastName' });
  memory.calls.length = 0;
  const start = performance.now();
  const el = await mount(`<crm-contact-list page-size="100"></crm-contact-list>`, memory.client);
  await until(() => Boolean(el.shadowRoot?.querySelector('.body [role="row"]')));
  await frame();
  const firstRenderMs = +(performance.now() - start).toFixed(1);
  const atFirstRender = requests(memory);
  const scroller = () => el.shadowRoot!.querySelector<HTMLElement>('.scroller')!;
  const rows = () => (el as unknown as { rows: unknown[] }).rows.length;
  const scroll = await frames(300, () => {
    scroller().scrollTop += 600;
  });
  return { total, loaded: rows(), firstRenderMs, atFirstRender, afterScroll: requests(memory), domNodes: nodes(el), scroll };
}

declare global {
  interface Window {
    bench: { boardRun: typeof boardRun; listRun: typeof listRun };
  }
}
window.bench = { boardRun, listRun };
