import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../provider/provider.js';
import type { Opportunity } from '../shared/api/types.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { createMemoryApi, MemoryApiError } from '../test/memory-api.js';
import type { CrmPipelineBoard } from './pipeline-board.component.js';
import './pipeline-board.js';

interface Pipeline {
  id: string;
  stages: Array<{ key: string; name: string; kind: string }>;
}

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
    expect(column(board, second).querySelector('[part="count"]')!.textContent).to.equal('1 deals');
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
    await until(() => memory.calls.some((c) => c.path === '/v1/opportunities'), 4000, 'next cards');
    expect(column(large, 'lead').querySelector('[part="count"]')!.textContent).to.equal('2,500 deals');
  });

  it('should reload with filters and design the empty and error states', async () => {
    const memory = createMemoryApi({ cardsPerStage: 2 });
    const board = await mount(memory.client, 'p1');
    board.ownerId = '000000000000000000000002';
    await until(() => !board.shadowRoot!.querySelector('[part~="card"]'));
    expect(board.shadowRoot!.querySelectorAll('.empty').length).to.equal(4);
    const failing = createMemoryApi();
    failing.failNext('GET', /board$/, new MemoryApiError(404, 'not_found', 'No such pipeline.'));
    const provider = await fixture(html`<crm-provider .client=${failing.client}><crm-pipeline-board pipeline-id="nope"></crm-pipeline-board></crm-provider>`);
    const broken = provider.querySelector('crm-pipeline-board')!;
    await until(() => broken.shadowRoot!.querySelector('crm-state')?.kind === 'error');
    await expectAccessible(broken);
  });
});
