import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { CrmStateKind } from './state.component.js';
import './state.js';

interface StateArgs {
  kind: CrmStateKind;
  message: string;
  noRetry: boolean;
}

const meta: Meta<StateArgs> = {
  title: 'Elements/State',
  component: 'crm-state',
  args: { kind: 'loading', message: '', noRetry: false },
  argTypes: {
    kind: { control: 'inline-radio', options: ['loading', 'empty', 'error'] },
  },
  render: ({ kind, message, noRetry }) =>
    html`<crm-state kind=${kind} message=${ifDefined(message || undefined)} ?no-retry=${noRetry}></crm-state>`,
};
export default meta;

type Story = StoryObj<StateArgs>;

export const Loading: Story = {};

export const Empty: Story = { args: { kind: 'empty' } };

export const EmptyWithAction: Story = {
  args: { kind: 'empty', message: 'No contacts match this filter.' },
  render: ({ kind, message }) => html`<crm-state kind=${kind} message=${message}><a href="#new">Add a contact</a></crm-state>`,
};

export const Error: Story = { args: { kind: 'error' } };

export const ErrorWithoutRetry: Story = {
  args: { kind: 'error', message: 'You may not see this record.', noRetry: true },
};
