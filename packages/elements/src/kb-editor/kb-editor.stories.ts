import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryKb, failingKbClient, pendingKbClient } from '../test/memory-kb.js';
import { withClient } from '../test/story-provider.js';
import './kb-editor.js';

const meta: Meta = {
  title: 'Elements/Knowledge-base editor',
  component: 'crm-kb-editor',
  render: (_, { globals }) => withClient(createMemoryKb().client, globals, html`<crm-kb-editor></crm-kb-editor>`),
};
export default meta;

type Story = StoryObj;

/** Articles newest change first, with category and status filters; pick one to edit it. */
export const Default: Story = {};

/** An article open in the editor, with its versions (a published version 1 and a working copy 2). */
export const Editing: Story = {
  render: (_, { globals }) => withClient(createMemoryKb().client, globals, html`<crm-kb-editor article-id="0000000000000000000000a2"></crm-kb-editor>`),
};

/** While the articles load. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingKbClient, globals, html`<crm-kb-editor></crm-kb-editor>`) };

/** When the API cannot be reached: an error with "Try again". */
export const Error: Story = { render: (_, { globals }) => withClient(failingKbClient, globals, html`<crm-kb-editor></crm-kb-editor>`) };
