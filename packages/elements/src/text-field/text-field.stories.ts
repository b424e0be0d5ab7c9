import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import type { CrmTextFieldType } from './text-field.component.js';
import './text-field.js';

interface TextFieldArgs {
  label: string;
  name: string;
  value: string;
  type: CrmTextFieldType;
  hint: string;
  error: string;
  placeholder: string;
  required: boolean;
  disabled: boolean;
  readonly: boolean;
}

const meta: Meta<TextFieldArgs> = {
  title: 'Elements/Text field',
  component: 'crm-text-field',
  args: {
    label: 'Full name',
    name: 'name',
    value: '',
    type: 'text',
    hint: '',
    error: '',
    placeholder: '',
    required: false,
    disabled: false,
    readonly: false,
  },
  argTypes: {
    type: { control: 'select', options: ['text', 'email', 'tel', 'url', 'password', 'search', 'number'] },
  },
  render: (args) => html`
    <crm-text-field
      label=${args.label}
      name=${args.name}
      .value=${args.value}
      type=${args.type}
      hint=${args.hint}
      error=${args.error}
      placeholder=${args.placeholder}
      ?required=${args.required}
      ?disabled=${args.disabled}
      ?readonly=${args.readonly}
    ></crm-text-field>
  `,
};
export default meta;

type Story = StoryObj<TextFieldArgs>;

export const Default: Story = {};

export const WithHint: Story = { args: { label: 'Email', type: 'email', hint: 'Used for quotes and invoices.' } };

export const Required: Story = { args: { label: 'Company', required: true } };

export const WithError: Story = {
  args: { label: 'Email', type: 'email', value: 'ada@example', error: 'A contact with this email already exists.' },
};

export const Disabled: Story = { args: { label: 'Owner', value: 'Ada Lovelace', disabled: true } };

export const ReadOnly: Story = { args: { label: 'Contact id', value: '65a1b2c3d4e5f60718293a4b', readonly: true } };
