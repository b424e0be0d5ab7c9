// The virtualized elements under a host page's strict Content-Security-Policy (`style-src 'self'`, no
// 'unsafe-inline'): src/test/strict-csp.html, in a same-origin iframe, defines them in its own registry.
// Rendering, scrolling and dragging must never fire `securitypolicyviolation` (their row and card
// positions go through the CSSOM, never a `style` attribute), and rows and cards must still land one
// under the other while the DOM stays a screenful however long the list.
import { expect } from '@open-wc/testing';
import type { CrmContactList } from '../contact-list/contact-list.component.js';
import { rowHeight } from '../contact-list/contact-list.styles.js';
import type { CrmPipelineBoard } from '../pipeline-board/pipeline-board.component.js';
import { cardHeight } from '../pipeline-board/pipeline-board.styles.js';
import type { CrmProvider } from '../provider/provider.component.js';
import type { CrmClient } from '../context/client-context.js';
import { until } from '../test/live-api.js';

interface StrictPage {
  win: Window;
  doc: Document;
  /** Every `securitypolicyviolation` in the page since it loaded. */
  violations: string[];
  close(): void;
}

async function openStrictPage(): Promise<StrictPage> {
  const frame = document.createElement('iframe');
  frame.title = 'strict CSP';
  frame.width = '1200';
  frame.height = '800';
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  frame.src = '/src/test/strict-csp.html';
  document.body.append(frame);
  await loaded;
  const win = frame.contentWindow!;
  const doc = frame.contentDocument!;
  const violations: string[] = [];
  doc.addEventListener('securitypolicyviolation', (e) => {
    const where = e.composedPath()[0] as Element;
    const host = (where.getRootNode?.() as ShadowRoot).host?.localName ?? 'document';
    violations.push(`${e.violatedDirective} in ${host}: <${where.localName} ${where.getAttribute?.('part') ?? ''}> ${e.sample}`);
  });
  await until(() => Boolean(win.crmStrictCsp), 10_000, 'the strict page defining the elements');
  return { win, doc, violations, close: () => frame.remove() };
}

/** Violation events are queued as tasks: give them a few frames to arrive. */
async function settle(win: Window): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => win.requestAnimationFrame(resolve));
  await new Promise((resolve) => setTimeout(resolve, 50));
}

/** Puts `element` inside a provider with `client` in the strict page. */
function mount<E extends HTMLElement>(page: StrictPage, tag: string, client: CrmClient, setup: (element: E) => void): E {
  const provider = page.doc.createElement('crm-provider') as CrmProvider;
  provider.client = client;
  const element = page.doc.createElement(tag) as E;
  setup(element);
  provider.append(element);
  page.doc.body.append(provider);
  return element;
}

/** Boxes sorted top to bottom lie one under the other: each starts where the one above ends, or below. */
function expectStacked(boxes: DOMRect[], what: string): void {
  const sorted = [...boxes].sort((a, b) => a.top - b.top);
  for (let i = 1; i < sorted.length; i++) {
    expect(sorted[i]!.top, `${what} ${i} overlaps the one above`).to.be.at.least(sorted[i - 1]!.bottom - 0.5);
  }
}

describe('the virtualized elements under a strict CSP (style-src \'self\')', () => {
  let page: StrictPage;

  beforeEach(async () => {
    page = await openStrictPage();
    // The policy is live and its violations are heard: an inline style attribute is refused.
    const probe = page.doc.createElement('p');
    probe.setAttribute('style', 'color: red');
    page.doc.body.append(probe);
    await until(() => page.violations.length === 1, 4000, 'the probe violation');
    probe.remove();
    page.violations.length = 0;
  });

  afterEach(() => page.close());

  it('crm-contact-list renders and scrolls 10,000 rows without a violation, rows in place and the DOM flat', async () => {
    const memory = page.win.crmStrictCsp!.createMemoryApi({ contacts: 10_000 });
    const list = mount<CrmContactList>(page, 'crm-contact-list', memory.client, (l) => (l.pageSize = 200));
    const root = () => list.shadowRoot!;
    await until(() => Boolean(root()?.querySelector('.body [part="row"]')), 8000, 'the first rows');
    const scroller = root().querySelector<HTMLElement>('.scroller')!;

    const check = (label: string) => {
      const body = root().querySelector<HTMLElement>('.body')!;
      const loaded = (list as unknown as { rows: unknown[] }).rows.length;
      expect(body.getBoundingClientRect().height, `${label}: body height`).to.equal(loaded * rowHeight);
      const rows = [...root().querySelectorAll<HTMLElement>('.body [part="row"]')];
      expect(rows.length, `${label}: rendered rows`).to.be.within(5, 39);
      const top = body.getBoundingClientRect().top;
      for (const row of rows) {
        expect(Math.round(row.getBoundingClientRect().top - top), `${label}: row ${row.dataset.index}`).to.equal(Number(row.dataset.index) * rowHeight);
      }
      expectStacked(rows.map((r) => r.getBoundingClientRect()), `${label}: row`);
    };

    check('first screen');
    for (const [label, target] of [['a page down', rowHeight * 57 + 13], ['far down', rowHeight * 160], ['the bottom', Infinity]] as const) {
      const loaded = (list as unknown as { rows: unknown[] }).rows.length;
      scroller.scrollTop = Math.min(target, scroller.scrollHeight);
      const first = Math.floor(scroller.scrollTop / rowHeight);
      await until(() => Boolean(root().querySelector(`[data-index="${first}"]`)), 4000, `row ${first} after scrolling ${label}`);
      if (target === Infinity) await until(() => (list as unknown as { rows: unknown[] }).rows.length > loaded, 4000, 'the next page');
      await list.updateComplete;
      check(label);
    }
    await settle(page.win);
    expect(page.violations).to.deep.equal([]);
  });

  it('crm-pipeline-board renders, scrolls and shows its drop line for 10,000 cards without a violation, cards in place', async () => {
    const memory = page.win.crmStrictCsp!.createMemoryApi({ cardsPerStage: 2500 });
    const board = mount<CrmPipelineBoard>(page, 'crm-pipeline-board', memory.client, (b) => {
      b.pipelineId = 'p1';
      b.perStage = 100;
    });
    const root = () => board.shadowRoot!;
    await until(() => Boolean(root()?.querySelector('[part~="card"]')), 8000, 'the first cards');

    const check = (label: string) => {
      for (const column of root().querySelectorAll<HTMLElement>('section[data-stage]')) {
        const cards = column.querySelector<HTMLElement>('.cards')!;
        const slots = [...cards.querySelectorAll<HTMLElement>('.slot')];
        // The final stages (won, lost) follow the open columns as empty drop targets: the double fills only open stages.
        if (column.dataset.stage === 'won' || column.dataset.stage === 'lost') {
          expect(slots.length, `${label}: cards in ${column.dataset.stage}`).to.equal(0);
          continue;
        }
        expect(slots.length, `${label}: slots in ${column.dataset.stage}`).to.be.within(5, 30);
        expect(cards.getBoundingClientRect().height % cardHeight, `${label}: height of ${column.dataset.stage}`).to.equal(0);
        expect(cards.getBoundingClientRect().height).to.be.at.least(100 * cardHeight);
        const top = cards.getBoundingClientRect().top;
        for (const slot of slots) {
          const index = Number(slot.querySelector<HTMLElement>('[part~="card"]')!.dataset.index);
          expect(Math.round(slot.getBoundingClientRect().top - top), `${label}: card ${index} of ${column.dataset.stage}`).to.equal(index * cardHeight);
        }
        expectStacked(slots.map((s) => s.getBoundingClientRect()), `${label}: card in ${column.dataset.stage}`);
      }
    };

    check('first screen');
    const scroller = root().querySelector<HTMLElement>('.scroller[data-stage="lead"]')!;
    scroller.scrollTop = cardHeight * 40 + 21;
    await until(() => Boolean(root().querySelector('[data-stage="lead"][data-index="40"]')), 4000, 'card 40 after scrolling');
    await board.updateComplete;
    check('scrolled');

    // Dragging a card over another column shows the drop line there, placed through the CSSOM too.
    const card = root().querySelector<HTMLElement>('[part~="card"][data-stage="lead"]')!;
    card.dispatchEvent(new (page.win as unknown as typeof globalThis).DragEvent('dragstart', { bubbles: true, composed: true }));
    const target = root().querySelector<HTMLElement>('.scroller[data-stage="proposal"]')!;
    const { top } = target.getBoundingClientRect();
    target.dispatchEvent(new (page.win as unknown as typeof globalThis).DragEvent('dragover', { bubbles: true, composed: true, cancelable: true, clientY: top + cardHeight * 3 + 10 }));
    await until(() => Boolean(root().querySelector('[part="drop-indicator"]')), 4000, 'the drop line');
    const line = root().querySelector<HTMLElement>('[part="drop-indicator"]')!;
    expect(Math.round(line.getBoundingClientRect().top - target.querySelector('.cards')!.getBoundingClientRect().top)).to.equal(3 * cardHeight);
    card.dispatchEvent(new (page.win as unknown as typeof globalThis).DragEvent('dragend', { bubbles: true, composed: true }));
    await until(() => !root().querySelector('[part="drop-indicator"]'), 4000, 'the drop line gone');

    await settle(page.win);
    expect(page.violations).to.deep.equal([]);
  });
});
