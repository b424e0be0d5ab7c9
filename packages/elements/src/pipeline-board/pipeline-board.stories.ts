import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryApi, MemoryApiError } from '../test/memory-api.js';
import { failingClient, pendingClient, withClient } from '../test/story-provider.js';
import './pipeline-board.js';

interface BoardArgs {
  cardsPerStage: number;
  noFilters: boolean;
  liveMoves: boolean;
}

function board({ cardsPerStage, noFilters, liveMoves }: BoardArgs, globals: Record<string, string>, conflict = false) {
  const memory = createMemoryApi({ cardsPerStage });
  if (conflict) memory.failNext('POST', /move$/, new MemoryApiError(409, 'version_conflict', 'The deal changed', { current: { ...memory.cards[0]!, version: 3 } }));
  if (liveMoves && memory.cards.length > 1) {
    // Another person moves a deal every few seconds, as realtime would deliver it.
    const stages = ['lead', 'qualified', 'proposal', 'negotiation'];
    let n = 0;
    const timer = setInterval(() => {
      if (!document.querySelector('crm-pipeline-board')) return clearInterval(timer);
      const card = memory.cards[(n * 7) % memory.cards.length]!;
      memory.remoteMove(card.id, stages[(stages.indexOf(card.stage) + 1) % stages.length]!);
      n += 1;
    }, 3000);
  }
  return withClient(memory.client, globals, html`<crm-pipeline-board pipeline-id="p1" ?no-filters=${noFilters}></crm-pipeline-board>`);
}

const meta: Meta<BoardArgs> = {
  title: 'Elements/Pipeline board',
  component: 'crm-pipeline-board',
  args: { cardsPerStage: 8, noFilters: false, liveMoves: false },
  argTypes: {
    cardsPerStage: { control: { type: 'number', min: 0, max: 2500 }, description: 'Deals per stage in the in-memory API' },
    liveMoves: { control: 'boolean', description: 'Simulate another person moving deals' },
  },
  render: (args, { globals }) => board(args, globals),
};
export default meta;

type Story = StoryObj<BoardArgs>;

/** A small board: drag cards, or focus one and use Space, arrows, Space. */
export const Default: Story = {};

/** Other people's moves arrive live. */
export const LiveMoves: Story = { args: { liveMoves: true } };

/** 10,000 deals in four columns: only the cards in view are in the DOM. */
export const TenThousand: Story = { args: { cardsPerStage: 2500 } };

/** The first move is refused with 409 and rolls back with a message. */
export const Conflict: Story = { render: (args, { globals }) => board(args, globals, true) };

/** No deals. */
export const Empty: Story = { args: { cardsPerStage: 0 } };

/** While loading. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingClient, globals, html`<crm-pipeline-board pipeline-id="p1"></crm-pipeline-board>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingClient, globals, html`<crm-pipeline-board pipeline-id="p1"></crm-pipeline-board>`) };

/** Waits for the first card, then runs `step` on it (Storybook's play, also run by the stories test). */
async function onFirstCard(canvasElement: HTMLElement, step: (board: HTMLElement, card: HTMLElement) => void): Promise<void> {
  const board = canvasElement.querySelector('crm-pipeline-board')!;
  for (let i = 0; i < 300 && !board.shadowRoot?.querySelector('[part~="card"]'); i++) await new Promise((r) => setTimeout(r, 20));
  step(board, board.shadowRoot!.querySelector<HTMLElement>('[part~="card"]')!);
}

/** A card opened in place (Enter or a click): the deal's editor in a dialog; hosts may veto with crm-request-open. */
export const OpenCard: Story = {
  play: ({ canvasElement }) => onFirstCard(canvasElement, (_, card) => card.click()),
};

/** A deal dropped on Lost: the board asks for the reason first (required). */
export const LostReason: Story = {
  play: ({ canvasElement }) =>
    onFirstCard(canvasElement, (board, card) => {
      const keys = [' ', 'ArrowRight', 'ArrowRight', 'ArrowRight', 'ArrowRight', 'ArrowRight', ' '];
      card.focus();
      for (const key of keys) board.shadowRoot!.activeElement?.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true }));
    }),
};
