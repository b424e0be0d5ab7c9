import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryApi } from '../test/memory-api.js';
import { failingClient, pendingClient, withClient } from '../test/story-provider.js';
import type { CrmCampaignCreator } from './campaign-creator.component.js';
import './campaign-creator.js';

/** Resolves once `check` holds (Storybook's play steps wait on what the element shows, never on time). */
async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new globalThis.Error('the story did not reach its state in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Walks the creator in `canvas` to the message step, with the "VIPs" segment as audience unless `noAudience`. */
async function toMessageStep(canvas: HTMLElement, { noAudience = false } = {}): Promise<CrmCampaignCreator> {
  const creator = canvas.querySelector('crm-campaign-creator')!;
  const root = creator.shadowRoot!;
  await until(() => Boolean(root.querySelector('crm-text-field[name="title"]')));
  const draft = creator as unknown as { draft: Record<string, unknown> };
  draft.draft = { ...draft.draft, title: 'Spring launch', code: 'SPR-26' };
  await creator.updateComplete;
  const next = () => root.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
  next();
  await until(() => Boolean(root.querySelector('crm-select-field[name="segmentId"]')));
  if (!noAudience) {
    const select = root.querySelector('crm-select-field[name="segmentId"]')!.shadowRoot!.querySelector('select')!;
    select.value = select.options[1]!.value;
    select.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  }
  next();
  await until(() => Boolean(root.querySelector('[part="preview"]')));
  return creator;
}

/** Switches the message step to a written message with merge fields, and waits for its preview. */
async function writeMessage(creator: CrmCampaignCreator): Promise<void> {
  const root = creator.shadowRoot!;
  root.querySelector<HTMLInputElement>('input[name="message-kind"][value="written"]')!.click();
  await creator.updateComplete;
  const body = root.querySelector<HTMLTextAreaElement>('#message-body')!;
  const subject = root.querySelector('crm-text-field[name="subject"]')!.shadowRoot!.querySelector('input')!;
  subject.value = 'Spring is here, {{recipient.firstName}}';
  subject.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  body.value = 'Dear {{recipient.fullName}},\n\nour spring programme starts on Monday. {{agency.name}} would love to see you there.';
  body.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  await until(() => Boolean(root.querySelector('[part="preview"] .body')?.textContent?.startsWith('Dear')));
}

const meta: Meta = {
  title: 'Elements/Campaign creator',
  component: 'crm-campaign-creator',
  render: (_, { globals }) => withClient(createMemoryApi().client, globals, html`<crm-campaign-creator></crm-campaign-creator>`),
};
export default meta;

type Story = StoryObj;

/** Details, audience (try the "VIPs" segment), message with a preview, schedule, review. */
export const Default: Story = {};

/** A tenant without saved segments or templates: recipients are hand-picked, and the message step says what is missing. */
export const Empty: Story = {
  render: (_, { globals }) => withClient(createMemoryApi({ segments: [], templates: [] }).client, globals, html`<crm-campaign-creator></crm-campaign-creator>`),
};

/** While segments and templates load. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingClient, globals, html`<crm-campaign-creator></crm-campaign-creator>`) };

/** When the API cannot be reached: an error with "Try again". */
export const Error: Story = { render: (_, { globals }) => withClient(failingClient, globals, html`<crm-campaign-creator></crm-campaign-creator>`) };

/** The message step with a template chosen and the API's preview for the segment's first member. */
export const TemplateMessage: Story = {
  play: async ({ canvasElement }) => {
    const creator = await toMessageStep(canvasElement);
    const select = creator.shadowRoot!.querySelector('crm-select-field[name="templateId"]')!.shadowRoot!.querySelector('select')!;
    select.value = select.options[1]!.value;
    select.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await until(() => Boolean(creator.shadowRoot!.querySelector('[part="preview"] .body')));
  },
};

/** A subject and body written with merge fields from the picker, previewed for a real recipient. */
export const WrittenMessage: Story = {
  play: async ({ canvasElement }) => writeMessage(await toMessageStep(canvasElement)),
};

/** After "Send a test to me": the test went to the signed-in user's own address. */
export const TestSent: Story = {
  play: async ({ canvasElement }) => {
    const creator = await toMessageStep(canvasElement);
    await writeMessage(creator);
    [...creator.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part="test-send"] button')][0]!.click();
    await until(() => Boolean(creator.shadowRoot!.querySelector('.test-status')?.textContent));
  },
};

/** Activating with no audience and no message: the API's refusal, shown on the audience step, the message step flagged. */
export const ActivationRefused: Story = {
  play: async ({ canvasElement }) => {
    const creator = await toMessageStep(canvasElement, { noAudience: true });
    const root = creator.shadowRoot!;
    for (let i = 0; i < 2; i++) {
      const heading = root.querySelector('#step-heading')!.textContent;
      root.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
      await until(() => root.querySelector('#step-heading')!.textContent !== heading);
    }
    root.querySelectorAll<HTMLButtonElement>('[part="actions"] button.primary')[0]!.click();
    await until(() => Boolean(root.querySelector('[part="error"]')));
  },
};
