// The page the benchmark drives in Chromium: it mounts the board and the list on the in-memory API
// and exposes measurements to scripts/bench/bench.mjs through `window.bench`.
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

/** The board with `total` cards in `columns` columns, every card loaded (perStage = all). */
async function board(total: number, columns = 10) {
  const memory = createMemoryApi({ stages: stages(columns), cardsPerStage: total / columns });
  const start = performance.now();
  const el = await mount(`<crm-pipeline-board pipeline-id="p1" per-stage="500" no-filters></crm-pipeline-board>`, memory.client);
  await until(() => Boolean(el.shadowRoot?.querySelector('[part~="card"]')));
  await frame();
  const firstRenderMs = +(performance.now() - start).toFixed(1);
  // Load every card of every column, so the DOM count compares boards that really hold `total` cards.
  for (let i = 0; i < 40; i++) {
    for (const scroller of el.shadowRoot!.querySelectorAll<HTMLElement>('.scroller')) scroller.scrollTop = scroller.scrollHeight;
    await frame();
  }
  await until(() => [...el.shadowRoot!.querySelectorAll('[part="count"]')].length === columns);
  const loaded = (el as unknown as { columns: Array<{ cards: unknown[] }> }).columns.reduce((n, c) => n + c.cards.length, 0);
  for (const scroller of el.shadowRoot!.querySelectorAll<HTMLElement>('.scroller')) scroller.scrollTop = 0;
  await frame();
  return { el, memory, firstRenderMs, loaded, nodes: nodes(el) };
}

async function boardRun(total: number, columns = 10) {
  const { el, firstRenderMs, loaded, nodes: domNodes } = await board(total, columns);
  const scrollers = [...el.shadowRoot!.querySelectorAll<HTMLElement>('.scroller')];
  const scroll = await frames(240, (i) => {
    for (const s of scrollers) s.scrollTop = (i * 97) % (s.scrollHeight - s.clientHeight);
  });
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
    target.scrollTop = (i * 131) % (target.scrollHeight - target.clientHeight);
    target.dispatchEvent(new DragEvent('dragover', { clientX: box.left + 30, clientY: box.top + ((i * 37) % box.height), bubbles: true, composed: true, cancelable: true, dataTransfer }));
  });
  el.shadowRoot!.querySelector<HTMLElement>('[part~="card"]')!.dispatchEvent(new DragEvent('dragend', { bubbles: true, composed: true }));
  return { total, columns, loaded, firstRenderMs, domNodes, scroll, keyboardDrag, pointerDrag };
}

async function listRun(total: number) {
  const memory = createMemoryApi({ contacts: total });
  const start = performance.now();
  const el = await mount(`<crm-contact-list page-size="200"></crm-contact-list>`, memory.client);
  await until(() => Boolean(el.shadowRoot?.querySelector('.body [role="row"]')));
  await frame();
  const firstRenderMs = +(performance.now() - start).toFixed(1);
  const scroller = () => el.shadowRoot!.querySelector<HTMLElement>('.scroller')!;
  const rows = () => (el as unknown as { rows: unknown[] }).rows.length;
  // Scroll to the end, page by page, as infinite scroll loads; then measure scrolling the full list.
  while (rows() < total) {
    scroller().scrollTop = scroller().scrollHeight;
    await frame();
  }
  const scroll = await frames(300, (i) => {
    const s = scroller();
    s.scrollTop = (i * 613) % (s.scrollHeight - s.clientHeight);
  });
  return { total, loaded: rows(), firstRenderMs, domNodes: nodes(el), scroll };
}

declare global {
  interface Window {
    bench: { boardRun: typeof boardRun; listRun: typeof listRun };
  }
}
window.bench = { boardRun, listRun };
