import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { cardPhoto, cardScanClient, germanCardScan } from '../test/memory-card-scan.js';
import { withClient } from '../test/story-provider.js';
import './card-scan.js';

interface CardScanArgs {
  noAssignment: boolean;
}

const meta: Meta<CardScanArgs> = {
  title: 'Elements/Card scan',
  component: 'crm-card-scan',
  args: { noAssignment: false },
  render: ({ noAssignment }, { globals }) => withClient(cardScanClient().client, globals, html`<crm-card-scan ?no-assignment=${noAssignment}></crm-card-scan>`),
};
export default meta;

type Story = StoryObj<CardScanArgs>;

/** Picks the photo in the story's element, as the camera or the file chooser would. */
function pickPhoto({ canvasElement }: { canvasElement: HTMLElement }): Promise<void> {
  const element = canvasElement.querySelector('crm-card-scan')!;
  const input = element.shadowRoot!.querySelector<HTMLInputElement>('input[type="file"]')!;
  const transfer = new DataTransfer();
  transfer.items.add(cardPhoto());
  input.files = transfer.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
  return new Promise((resolve) => setTimeout(resolve, 50));
}

/** Before a photo: pick any image; the in-memory API answers with a German card's draft. */
export const Pick: Story = {};

/** The draft of a German card in the review form (its job title read unsurely, so named to check). */
export const Review: Story = { play: pickPhoto };

/** While the card is read (the API has not answered yet). */
export const Loading: Story = {
  render: (_, { globals }) => withClient(cardScanClient('hold').client, globals, html`<crm-card-scan></crm-card-scan>`),
  play: pickPhoto,
};

/** The API could not read the photo now: the error says so, and "Try again" sends the same photo. */
export const Error: Story = {
  render: (_, { globals }) => withClient(cardScanClient({ status: 503, code: 'unavailable', detail: 'The service is not ready; try again in a moment' }).client, globals, html`<crm-card-scan></crm-card-scan>`),
  play: pickPhoto,
};

/** A card with nothing readable: the form opens empty and says what was not found. */
export const NothingRead: Story = {
  play: pickPhoto,
  render: (_, { globals }) =>
    withClient(
      cardScanClient({ ...germanCardScan, contact: { emails: [], phones: [], addresses: [] }, confidence: { name: null, jobTitle: null, company: null, emails: null, phones: null, address: null, website: null }, text: '' }).client,
      globals,
      html`<crm-card-scan></crm-card-scan>`,
    ),
};

