import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryVoip, failingVoipClient } from '../test/memory-voip.js';
import { withClient } from '../test/story-provider.js';
import './call-button.js';

const contactId = '000000000000000000000100';

const meta: Meta = {
  title: 'Elements/Call button',
  component: 'crm-call-button',
  render: (_, { globals }) => withClient(createMemoryVoip().client, globals, html`<crm-call-button subject-type="contact" subject-id=${contactId}></crm-call-button>`),
};
export default meta;

type Story = StoryObj;

/** Dials the contact's primary number on your phone. */
export const Default: Story = {};

/** Dials one given number, shown on the button. */
export const WithNumber: Story = { render: (_, { globals }) => withClient(createMemoryVoip().client, globals, html`<crm-call-button subject-type="lead" subject-id=${contactId} number="+44 7700 900123"></crm-call-button>`) };

/** Disabled by the host. */
export const Disabled: Story = { render: (_, { globals }) => withClient(createMemoryVoip().client, globals, html`<crm-call-button subject-type="contact" subject-id=${contactId} disabled></crm-call-button>`) };

/** When the API cannot be reached: pressed, it says why the call was not placed. */
export const Unreachable: Story = {
  render: (_, { globals }) => withClient(failingVoipClient, globals, html`<crm-call-button subject-type="contact" subject-id=${contactId}></crm-call-button>`),
  play: async ({ canvasElement }: { canvasElement: HTMLElement }) => {
    const button = canvasElement.querySelector('crm-call-button')!;
    await button.call();
  },
};
