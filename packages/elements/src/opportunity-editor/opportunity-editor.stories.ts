import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryApi, MemoryApiError } from '../test/memory-api.js';
import { failingClient, pendingClient, withClient } from '../test/story-provider.js';
import './opportunity-editor.js';

interface EditorArgs {
  noHeading: boolean;
}

/** An in-memory API holding a board's deals; the editor opens the first one. */
function editor({ noHeading }: EditorArgs, globals: Record<string, string>, arrange?: (memory: ReturnType<typeof createMemoryApi>) => void) {
  const memory = createMemoryApi({ cardsPerStage: 2 });
  arrange?.(memory);
  return withClient(memory.client, globals, html`<crm-opportunity-editor opportunity-id=${memory.cards[0]!.id} ?no-heading=${noHeading}></crm-opportunity-editor>`);
}

const meta: Meta<EditorArgs> = {
  title: 'Elements/Opportunity editor',
  component: 'crm-opportunity-editor',
  args: { noHeading: false },
  render: (args, { globals }) => editor(args, globals),
};
export default meta;

type Story = StoryObj<EditorArgs>;

/** A deal's fields; the stage picker lists the pipeline's stages by name, Won and Lost included. */
export const Default: Story = {};

/** Lost chosen as the stage: the reason becomes required. */
export const LostStage: Story = {
  play: async ({ canvasElement }) => {
    const el = canvasElement.querySelector('crm-opportunity-editor')!;
    for (let i = 0; i < 300 && !el.shadowRoot?.querySelector('[name="stage"]'); i++) await new Promise((r) => setTimeout(r, 20));
    const select = el.shadowRoot!.querySelector('[name="stage"]')!.shadowRoot!.querySelector('select')!;
    select.value = 'lost';
    select.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  },
};

/** Someone else saved the deal meanwhile: the save is refused and explained. */
export const Conflict: Story = {
  render: (args, { globals }) =>
    editor(args, globals, (memory) => memory.failNext('PATCH', /opportunities/, new MemoryApiError(412, 'precondition_failed', 'The deal changed', { current: { ...memory.cards[0]!, name: 'Renamed elsewhere', version: 4 } }))),
  play: async ({ canvasElement }) => {
    const el = canvasElement.querySelector('crm-opportunity-editor')!;
    for (let i = 0; i < 300 && !el.shadowRoot?.querySelector('[name="nextStep"]'); i++) await new Promise((r) => setTimeout(r, 20));
    const input = el.shadowRoot!.querySelector('[name="nextStep"]')!.shadowRoot!.querySelector('input')!;
    input.value = 'Call back';
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="save-button"]')!.click();
  },
};

/** While loading. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingClient, globals, html`<crm-opportunity-editor opportunity-id="p1"></crm-opportunity-editor>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingClient, globals, html`<crm-opportunity-editor opportunity-id="p1"></crm-opportunity-editor>`) };
