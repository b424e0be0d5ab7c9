import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../provider/provider.js';
import type { Pipeline } from '@crm/client-sdk';
import type { Opportunity } from '../shared/api/types.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { createMemoryApi, MemoryApiError } from '../test/memory-api.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
import type { CrmOpportunityEditor } from '../opportunity-editor/opportunity-editor.component.js';
import type { CrmSelectField } from '../select-field/select-field.component.js';
import type { CrmTextField } from '../text-field/text-field.component.js';
import type { CrmPipelineBoard } from './pipeline-board.component.js';
import './pipeline-board.js';


async function mount(client: unknown, pipelineId: string, attrs: { perStage?: number } = {}): Promise<CrmPipelineBoard> {
  const provider = await fixture(html`<crm-provider .client=${client}>
    <crm-pipeline-board pipeline-id=${pipelineId} per-stage=${attrs.perStage ?? 50}></crm-pipeline-board>
  </crm-provider>`);
  const board = provider.querySelector('crm-pipeline-board')!;
  await until(() => Boolean(board.shadowRoot!.querySelector('[part~="card"]')), 8000, 'cards');
  return board;
}

const column = (board: CrmPipelineBoard, stage: string) => board.shadowRoot!.querySelector(`section[data-stage="${stage}"]`)!;
const cardNames = (board: CrmPipelineBoard, stage: string) => [...column(board, stage).querySelectorAll('[part~="card"] strong')].map((n) => n.textContent);
const live = (board: CrmPipelineBoard) => board.shadowRoot!.querySelector('[aria-live="assertive"]')!.textContent!;

describe('crm-pipeline-board', () => {
  let api: LiveApi;
  let pipeline: Pipeline;
  let first: string;
  let second: string;
  let third: string;

  /** A fresh pipeline with three deals of €1,000, €2,000 and €3,000 in its first stage. */
  async function arrange(): Promise<Opportunity[]> {
    const stages = [
      { key: 'lead', name: 'Lead', probability: 10, kind: 'open' },
      { key: 'qualified', name: 'Qualified', probability: 30, kind: 'open' },
      { key: 'proposal', name: 'Proposal', probability: 60, kind: 'open' },
      { key: 'won', name: 'Won', probability: 100, kind: 'won' },
    ];
    pipeline = await api.client.transport.post<Pipeline>('/v1/pipelines', { name: `Board ${Math.random().toString(16).slice(2, 8)}`, stages });
    [first, second, third] = ['lead', 'qualified', 'proposal'];
    const cards: Opportunity[] = [];
    for (const n of [1, 2, 3]) {
      cards.push(await api.client.transport.post<Opportunity>('/v1/opportunities', { name: `Acme - Deal ${n}`, amount: n * 1000, currency: 'EUR', pipelineId: pipeline.id, stage: first }));
    }
    return cards;
  }

  before(async () => {
    api = await liveApi();
  });

  it('should render a column per stage with counts and totals from the real API, axe-clean', async () => {
    await arrange();
    const board = await mount(api.client, pipeline.id);
    const headers = [...board.shadowRoot!.querySelectorAll('[part="column-header"] h3')].map((h) => h.textContent);
    expect(headers.slice(0, 3)).to.deep.equal(['Lead', 'Qualified', 'Proposal']);
    expect(column(board, first).querySelector('[part="count"]')!.textContent).to.equal('3 deals');
    expect(column(board, first).querySelector('[part="total"]')!.textContent).to.equal('€6,000');
    await expectAccessible(board);
  });

  it('should move a card by keyboard (Space, arrows, Space) with announcements, and the API holds the move', async () => {
    const cards = await arrange();
    const board = await mount(api.client, pipeline.id);
    const card = column(board, first).querySelector<HTMLElement>('[part~="card"]')!;
    const name = card.querySelector('strong')!.textContent!;
    const id = card.dataset.id!;
    card.focus();
    await sendKeys({ press: ' ' });
    expect(live(board)).to.contain(`Picked up ${name} in Lead, position 1 of 3`);
    await sendKeys({ press: 'ArrowRight' });
    expect(live(board)).to.contain('Qualified, position 1');
    const moved = oneEvent(board, 'crm-card-moved');
    await sendKeys({ press: ' ' });
    const { detail } = await moved;
    expect(detail).to.include({ fromStage: first, toStage: second, position: 0 });
    expect(cardNames(board, second)).to.deep.equal([name]);
    expect(column(board, second).querySelector('[part="count"]')!.textContent).to.equal('1 deal');
    const stored = await api.client.transport.get<Opportunity>(`/v1/opportunities/${id}`);
    expect(stored.stage).to.equal(second);
    expect(board.shadowRoot!.activeElement?.querySelector('strong')?.textContent).to.equal(name);
    expect(cards).to.have.length(3);
  });

  it('should put the card back on Escape without calling the API', async () => {
    const cards = await arrange();
    const board = await mount(api.client, pipeline.id);
    const before = cardNames(board, first);
    column(board, first).querySelector<HTMLElement>('[part~="card"]')!.focus();
    await sendKeys({ press: ' ' });
    await sendKeys({ press: 'ArrowRight' });
    expect(cardNames(board, first)).to.have.length(2);
    await sendKeys({ press: 'Escape' });
    await board.updateComplete;
    expect(cardNames(board, first)).to.deep.equal(before);
    expect(live(board)).to.contain('Move cancelled');
    const stored = await api.client.transport.get<Opportunity>(`/v1/opportunities/${cards[0]!.id}`);
    expect(stored.version).to.equal(cards[0]!.version);
  });

  it('should roll a move back with a message when the API answers 409', async () => {
    await arrange();
    const board = await mount(api.client, pipeline.id);
    const card = column(board, first).querySelector<HTMLElement>('[part~="card"]')!;
    const id = card.dataset.id!;
    card.focus();
    await sendKeys({ press: ' ' });
    // Someone else changes the deal while it is picked up (live updates wait for the drop), so the
    // board's version is stale when it sends the move.
    await api.client.transport.patch(`/v1/opportunities/${id}`, { name: 'Renamed elsewhere' });
    await sendKeys({ press: 'ArrowRight' });
    const reverted = oneEvent(board, 'crm-card-reverted');
    await sendKeys({ press: ' ' });
    expect((await reverted).detail.reason).to.equal('version_conflict');
    await board.updateComplete;
    expect(cardNames(board, first)).to.include('Renamed elsewhere');
    expect(cardNames(board, second)).to.deep.equal([]);
    const message = board.shadowRoot!.querySelector('[part="message"]')!;
    expect(message.getAttribute('role')).to.equal('alert');
    expect(message.textContent).to.contain('changed by someone else');
    const stored = await api.client.transport.get<Opportunity>(`/v1/opportunities/${id}`);
    expect(stored.stage).to.equal(first);
    await expectAccessible(board);
  });

  it('should move a card by drag and drop', async () => {
    await arrange();
    const board = await mount(api.client, pipeline.id);
    const card = column(board, first).querySelector<HTMLElement>('[part~="card"]')!;
    // Windowed columns reuse card elements, so remember which deal this one shows now.
    const id = card.dataset.id!;
    const target = column(board, third).querySelector<HTMLElement>('.scroller')!;
    const dataTransfer = new DataTransfer();
    const box = target.getBoundingClientRect();
    card.dispatchEvent(new DragEvent('dragstart', { bubbles: true, composed: true, dataTransfer }));
    const point = { clientX: box.left + 20, clientY: box.top + 2, bubbles: true, composed: true, cancelable: true, dataTransfer };
    target.dispatchEvent(new DragEvent('dragover', point));
    await board.updateComplete;
    expect(column(board, third).querySelector('[part="drop-indicator"]')).not.to.equal(null);
    const moved = oneEvent(board, 'crm-card-moved');
    target.dispatchEvent(new DragEvent('drop', point));
    expect((await moved).detail).to.include({ fromStage: first, toStage: third, position: 0 });
    const stored = await api.client.transport.get<Opportunity>(`/v1/opportunities/${id}`);
    expect(stored.stage).to.equal(third);
  });

  it("should show other people's moves live through realtime", async () => {
    const cards = await arrange();
    const board = await mount(api.client, pipeline.id);
    const other = cards[1]!;
    // Give the subscription a moment to be acknowledged: wait until a first change comes through.
    await until(() => (board as unknown as { unsubscribe?: unknown }).unsubscribe !== undefined);
    const deadline = performance.now() + 8000;
    let version = other.version;
    while (!cardNames(board, third).includes(other.name) && performance.now() < deadline) {
      const moved = await api.client.transport.post<Opportunity>(`/v1/opportunities/${other.id}/move`, { stage: third, version });
      version = moved.version;
      await until(() => cardNames(board, third).includes(other.name), 1500, 'live move').catch(() => undefined);
    }
    expect(cardNames(board, third)).to.include(other.name);
    expect(cardNames(board, first)).not.to.include(other.name);
    expect(live(board)).to.contain('by someone else');
  });

  it('should keep the DOM flat as cards grow, loading further cards as a column scrolls', async () => {
    const small = await mount(createMemoryApi({ cardsPerStage: 100 }).client, 'p1', { perStage: 100 });
    const smallNodes = small.shadowRoot!.querySelectorAll('*').length;
    const memory = createMemoryApi({ cardsPerStage: 2500 });
    const large = await mount(memory.client, 'p1', { perStage: 100 });
    const largeNodes = large.shadowRoot!.querySelectorAll('*').length;
    expect(largeNodes).to.be.at.most(smallNodes + 10);
    const scroller = column(large, 'lead').querySelector<HTMLElement>('.scroller')!;
    scroller.scrollTop = scroller.scrollHeight;
    await until(() => memory.calls.some((c) => c.path === '/v1/pipelines/p1/board/lead'), 4000, 'next cards');
    expect(column(large, 'lead').querySelector('[part="count"]')!.textContent).to.equal('2,500 deals');
  });

  it('should reload with filters and design the empty and error states', async () => {
    const memory = createMemoryApi({ cardsPerStage: 2 });
    const board = await mount(memory.client, 'p1');
    board.ownerId = '000000000000000000000002';
    await until(() => !board.shadowRoot!.querySelector('[part~="card"]'));
    expect(board.shadowRoot!.querySelectorAll('.column:not(.final) .empty').length).to.equal(4);
    const failing = createMemoryApi();
    failing.failNext('GET', /board$/, new MemoryApiError(404, 'not_found', 'No such pipeline.'));
    const provider = await fixture(html`<crm-provider .client=${failing.client}><crm-pipeline-board pipeline-id="nope"></crm-pipeline-board></crm-provider>`);
    const broken = provider.querySelector('crm-pipeline-board')!;
    await until(() => broken.shadowRoot!.querySelector('crm-state')?.kind === 'error');
    await expectAccessible(broken);
  });

  describe('won and lost, opening a card, language and layout', () => {
    let closing: Pipeline;

    /** A pipeline whose stage keys differ from their names, with Won and Lost, and two deals in Discovery. */
    async function arrangeClosing(): Promise<Opportunity[]> {
      closing = await api.client.pipelines.create({
        name: `Closing ${Math.random().toString(16).slice(2, 8)}`,
        stages: [
          { key: 'stage_a', name: 'Discovery', probability: 20, kind: 'open' },
          { key: 'stage_b', name: 'Negotiation', probability: 70, kind: 'open' },
          { key: 'closed_won', name: 'Won', probability: 100, kind: 'won' },
          { key: 'closed_lost', name: 'Lost', probability: 0, kind: 'lost' },
        ],
      }) as unknown as Pipeline;
      const cards: Opportunity[] = [];
      for (const n of [1, 2]) {
        cards.push((await api.client.opportunities.create({ name: `Globex - Deal ${n}`, amount: n * 1500, currency: 'EUR', pipelineId: closing.id, stage: 'stage_a', expectedCloseDate: '2027-03-31' })) as unknown as Opportunity);
      }
      return cards;
    }

    async function mountClosing(attrs: { locale?: string; theme?: string } = {}): Promise<CrmPipelineBoard> {
      const provider = await fixture(html`<crm-provider .client=${api.client} .user=${api.user} locale=${attrs.locale ?? 'en'} theme=${attrs.theme ?? 'light'}>
        <crm-pipeline-board pipeline-id=${closing.id}></crm-pipeline-board>
      </crm-provider>`);
      const board = provider.querySelector('crm-pipeline-board')!;
      await until(() => Boolean(board.shadowRoot!.querySelector('[part~="card"]')), 8000, 'cards');
      return board;
    }

    const dialog = (board: CrmPipelineBoard, part: string) => board.shadowRoot!.querySelector<HTMLDialogElement>(`dialog[part="${part}"]`)!;

    /** Space picks the first Discovery card up, ArrowRight `steps` times, Space drops it. */
    async function carryRight(board: CrmPipelineBoard, steps: number): Promise<string> {
      const card = column(board, 'stage_a').querySelector<HTMLElement>('[part~="card"]')!;
      card.focus();
      await sendKeys({ press: ' ' });
      for (let i = 0; i < steps; i++) await sendKeys({ press: 'ArrowRight' });
      await sendKeys({ press: ' ' });
      return card.dataset.id!;
    }

    afterEach(resetViewport);

    it('should show stage names, never keys, with Won and Lost as final stages after the open ones', async () => {
      await arrangeClosing();
      const board = await mountClosing();
      const headers = [...board.shadowRoot!.querySelectorAll('[part="column-header"] h3')].map((h) => h.textContent);
      expect(headers).to.deep.equal(['Discovery', 'Negotiation', 'Won', 'Lost']);
      const text = board.shadowRoot!.textContent!;
      for (const key of ['stage_a', 'stage_b', 'closed_won', 'closed_lost']) expect(text).not.to.contain(key);
      expect(column(board, 'closed_won').querySelector('.empty')!.textContent).to.equal('Drop a deal here to mark it Won.');
    });

    it('should ask for the reason when a card moves to Lost: cancelling puts it back, a reason closes the deal', async () => {
      await arrangeClosing();
      const board = await mountClosing();
      const id = await carryRight(board, 3);
      await until(() => dialog(board, 'lost-dialog').open, 4000, 'the lost dialog');
      const reason = dialog(board, 'lost-dialog').querySelector<CrmTextField>('crm-text-field')!;
      await until(() => board.shadowRoot!.activeElement === reason, 4000, 'focus in the reason field');
      expect(dialog(board, 'lost-dialog').querySelector('h3')!.textContent).to.match(/^Why was Globex - Deal \d lost\?$/);
      await sendKeys({ press: 'Escape' });
      await until(() => !dialog(board, 'lost-dialog').open, 4000, 'the dialog closed');
      await until(() => cardNames(board, 'stage_a').length === 2, 4000, 'the card back in Discovery');
      expect((await api.client.opportunities.get(id)).stage).to.equal('stage_a');

      await carryRight(board, 3);
      await until(() => dialog(board, 'lost-dialog').open, 4000, 'the lost dialog again');
      // Confirming without a reason says so beside the field and keeps the dialog open.
      dialog(board, 'lost-dialog').querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
      const field = dialog(board, 'lost-dialog').querySelector<CrmTextField>('crm-text-field')!;
      await until(() => field.shadowRoot!.querySelector('[part="error-message"]')!.textContent === 'Please fill in Reason.', 4000, 'the required message');
      expect(dialog(board, 'lost-dialog').open).to.equal(true);
      await expectAccessible(dialog(board, 'lost-dialog'));
      field.focus();
      await sendKeys({ type: 'Budget cut' });
      const moved = oneEvent(board, 'crm-card-moved');
      await sendKeys({ press: 'Enter' });
      const { detail } = await moved;
      expect(detail.toStage).to.equal('closed_lost');
      const stored = await api.client.opportunities.get(detail.opportunity.id);
      expect([stored.stage, stored.outcome, stored.lostReason]).to.deep.equal(['closed_lost', 'lost', 'Budget cut']);
      expect(live(board)).to.contain('is now Lost.');
    });

    it('should mark a deal won by keyboard without asking anything', async () => {
      await arrangeClosing();
      const board = await mountClosing();
      const moved = oneEvent(board, 'crm-card-moved');
      await carryRight(board, 2);
      const { detail } = await moved;
      expect(dialog(board, 'lost-dialog').open).to.equal(false);
      expect((await api.client.opportunities.get(detail.opportunity.id)).outcome).to.equal('won');
    });

    it('should open a card on Enter in the built-in editor, save it and show the change on the card', async () => {
      await arrangeClosing();
      const board = await mountClosing();
      const card = column(board, 'stage_a').querySelector<HTMLElement>('[part~="card"]')!;
      card.focus();
      await sendKeys({ press: 'Enter' });
      await until(() => dialog(board, 'editor-dialog').open, 4000, 'the editor dialog');
      const editor = dialog(board, 'editor-dialog').querySelector<CrmOpportunityEditor>('crm-opportunity-editor')!;
      await until(() => Boolean(editor.shadowRoot!.querySelector('form')), 8000, 'the editor form');
      const stage = editor.shadowRoot!.querySelector<CrmSelectField>('[name="stage"]')!;
      const native = stage.shadowRoot!.querySelector('select')!;
      native.value = 'stage_b';
      native.dispatchEvent(new Event('input', { bubbles: true }));
      native.dispatchEvent(new Event('change', { bubbles: true }));
      await expectAccessible(dialog(board, 'editor-dialog'));
      const saved = oneEvent(board, 'crm-opportunity-saved');
      editor.shadowRoot!.querySelector<HTMLButtonElement>('[part="save-button"]')!.click();
      await saved;
      await until(() => !dialog(board, 'editor-dialog').open, 4000, 'the dialog closed');
      expect(cardNames(board, 'stage_b')).to.have.length(1);
      expect(column(board, 'stage_a').querySelector('[part="count"]')!.textContent).to.equal('1 deal');
    });

    it('should let the host veto opening the card (crm-request-open)', async () => {
      await arrangeClosing();
      const board = await mountClosing();
      board.addEventListener('crm-request-open', (event) => event.preventDefault(), { once: true });
      const requested = oneEvent(board, 'crm-request-open');
      column(board, 'stage_a').querySelector<HTMLElement>('[part~="card"]')!.click();
      const event = await requested;
      expect(event.detail.opportunity.name).to.match(/^Globex - Deal \d$/);
      await board.updateComplete;
      expect(dialog(board, 'editor-dialog').open).to.equal(false);
    });

    it('should count and date in German ("1 Deal", "2 Deals", 31.03.2027) and in English', async () => {
      await arrangeClosing();
      const de = await mountClosing({ locale: 'de' });
      expect(column(de, 'stage_a').querySelector('[part="count"]')!.textContent).to.equal('2 Deals');
      expect(column(de, 'stage_a').querySelector('[part~="card"] .muted')!.textContent).to.contain('31.03.2027');
      expect(column(de, 'stage_a').querySelector('[part="total"]')!.textContent).to.equal('4.500\u00a0€');
      // The close-date filters are typed the German way too, whatever language the browser speaks.
      const after = de.shadowRoot!.querySelector<CrmTextField>('crm-text-field[name="closeAfter"]')!;
      expect(after.label).to.equal('Abschluss ab');
      expect(after.shadowRoot!.querySelector('input')!.placeholder).to.equal('31.12.2026');
      const en = await mountClosing({ locale: 'en' });
      expect(column(en, 'stage_a').querySelector('[part~="card"] .muted')!.textContent).to.contain('Mar 31, 2027');
      await carryRight(en, 1);
      await until(() => column(en, 'stage_b').querySelector('[part="count"]')!.textContent === '1 deal', 8000, 'one deal');
      expect(column(en, 'stage_a').querySelector('[part="count"]')!.textContent).to.equal('1 deal');
    });

    for (const width of [phoneWidth, deskWidth]) {
      for (const theme of ['light', 'dark']) {
        it(`should fit ${width} px with 44 px targets and be axe-clean in the ${theme} theme`, async () => {
          await useViewport(width);
          await arrangeClosing();
          const board = await mountClosing({ theme });
          // At a desk the columns sit side by side and may scroll sideways in their row; on a phone they stack.
          expectFitsLayout(board, { scrollers: width === deskWidth ? ['.columns'] : [] });
          if (width === phoneWidth) {
            const [a, b] = [...board.shadowRoot!.querySelectorAll('section[data-stage]')].map((s) => s.getBoundingClientRect());
            expect(b!.top).to.be.at.least(a!.bottom);
          }
          await expectAccessible(board.parentElement!);
        });
      }
    }
  });
});

describe('crm-pipeline-board over 100,000 deals (pages per column on demand)', () => {
  type Internals = { columns: Array<{ stage: { key: string }; cards: unknown[]; page: { nextCursor: string | null } | null }> };
  const lead = (board: CrmPipelineBoard) => (board as unknown as Internals).columns.find((c) => c.stage.key === 'lead')!;
  const frames = async (n: number) => {
    for (let i = 0; i < n; i++) await new Promise((resolve) => requestAnimationFrame(resolve));
  };
  let memory: ReturnType<typeof createMemoryApi>;
  before(() => {
    memory = createMemoryApi({ cardsPerStage: 25_000 });
  });
  const boardCalls = () => memory.calls.filter((c) => c.method === 'GET' && /\/board$/.test(c.path));
  const columnCalls = () => memory.calls.filter((c) => c.method === 'GET' && /^\/v1\/pipelines\/p1\/board\/\w+$/.test(c.path));

  it('should load the board once, then page one column from the board cursor only when it scrolls to its loaded end', async () => {
    memory.calls.length = 0;
    const board = await mount(memory.client, 'p1', { perStage: 50 });
    await frames(5);
    expect(boardCalls()).to.have.length(1);
    expect(columnCalls()).to.have.length(0);
    expect(column(board, 'lead').querySelector('[part="count"]')!.textContent).to.equal('25,000 deals');

    const scroller = column(board, 'lead').querySelector<HTMLElement>('.scroller')!;
    scroller.scrollTop = scroller.scrollHeight;
    await until(() => lead(board).cards.length > 50, 8000, 'the next cards of the column');
    await frames(5);
    expect(columnCalls()).to.have.length(1);
    // The column's own route, going on where the board's cards ended (its nextCursor), not from the start.
    expect(columnCalls()[0]!.path).to.equal('/v1/pipelines/p1/board/lead');
    expect(columnCalls()[0]!.query).to.include({ cursor: '50' });
    expect(lead(board).cards).to.have.length(250, 'the board\'s 50 and a page of 200 after them, none read twice');

    const cursor = lead(board).page!.nextCursor;
    expect(cursor).to.be.a('string');
    const loaded = lead(board).cards.length;
    scroller.scrollTop = scroller.scrollHeight;
    await until(() => lead(board).cards.length > loaded, 8000, 'a further page');
    await frames(5);
    expect(columnCalls()).to.have.length(2);
    expect(columnCalls()[1]!.query).to.include({ cursor });
    // Only the scrolled column paged; nothing asked for more than a page; the DOM holds a screenful.
    expect(columnCalls().every((c) => c.path.endsWith('/board/lead') && Number((c.query as Record<string, string>).limit) <= 200)).to.equal(true);
    expect(column(board, 'lead').querySelectorAll('[part~="card"]').length).to.be.lessThan(40);
  });

  it("should show a column's next page loading, and a failed one with a retry that asks once", async () => {
    memory.calls.length = 0;
    const board = await mount(memory.client, 'p1', { perStage: 50 });
    memory.failNext('GET', /^\/v1\/pipelines\/p1\/board\/lead$/, new MemoryApiError(503, 'unavailable', 'The CRM is restarting.'));
    const scroller = column(board, 'lead').querySelector<HTMLElement>('.scroller')!;
    scroller.scrollTop = scroller.scrollHeight;
    await until(() => Boolean(column(board, 'lead').querySelector('[part="column-error"]')), 8000, 'column error');
    expect(column(board, 'lead').querySelector('[part="column-error"]')!.textContent).to.contain('The CRM is restarting.');
    scroller.scrollTop = 0;
    await frames(3);
    scroller.scrollTop = scroller.scrollHeight;
    await frames(8);
    expect(columnCalls()).to.have.length(1);
    await expectAccessible(board);

    memory.holdNext('GET', /^\/v1\/pipelines\/p1\/board\/lead$/);
    column(board, 'lead').querySelector<HTMLButtonElement>('[part="column-error"] button')!.click();
    await until(() => Boolean(column(board, 'lead').querySelector('[part="column-loading"]')), 4000, 'column loading');
    expect(column(board, 'lead').querySelector('[part="column-loading"]')!.textContent).to.contain('Loading more deals');
    expect(columnCalls()).to.have.length(2);
  });
});
