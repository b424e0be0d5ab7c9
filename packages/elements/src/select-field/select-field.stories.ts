import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import type { CrmSelectOption } from './select-field.component.js';
import './select-field.js';

interface SelectFieldArgs {
  label: string;
  name: string;
  value: string;
  hint: string;
  error: string;
  placeholder: string;
  required: boolean;
  disabled: boolean;
  options: CrmSelectOption[];
}

const stages: CrmSelectOption[] = [
  { value: 'lead', label: 'Lead' },
  { value: 'qualified', label: 'Qualified' },
  { value: 'proposal', label: 'Proposal' },
  { value: 'won', label: 'Won' },
  { value: 'lost', label: 'Lost', disabled: true },
];

const meta: Meta<SelectFieldArgs> = {
  title: 'Elements/Select field',
  component: 'crm-select-field',
  args: {
    label: 'Stage',
    name: 'stage',
    value: '',
    hint: '',
    error: '',
    placeholder: '',
    required: false,
    disabled: false,
    options: stages,
  },
  render: (args) => html`
    <crm-select-field
      label=${args.label}
      name=${args.name}
      .value=${args.value}
      .options=${args.options}
      hint=${args.hint}
      error=${args.error}
      placeholder=${args.placeholder}
      ?required=${args.required}
      ?disabled=${args.disabled}
    ></crm-select-field>
  `,
};
export default meta;

type Story = StoryObj<SelectFieldArgs>;

export const Default: Story = {};

export const Selected: Story = { args: { value: 'qualified', hint: 'Where the opportunity stands.' } };

export const Required: Story = { args: { required: true } };

export const WithError: Story = { args: { value: 'won', error: "Stage 'won' cannot follow 'lead'; allowed: qualified, lost." } };

export const Disabled: Story = { args: { value: 'lead', disabled: true } };
