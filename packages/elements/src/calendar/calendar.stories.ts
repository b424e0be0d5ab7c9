import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryCalendar, failingCalendarClient, pendingCalendarClient } from '../test/memory-calendar.js';
import { withClient } from '../test/story-provider.js';
import './calendar.js';

const meta: Meta = {
  title: 'Elements/Calendar',
  component: 'crm-calendar',
  args: { view: 'week' },
  argTypes: { view: { control: 'inline-radio', options: ['day', 'week', 'month', 'agenda'] } },
  render: (args, { globals }) => withClient(createMemoryCalendar().client, globals, html`<crm-calendar view=${args.view}></crm-calendar>`),
};
export default meta;

type Story = StoryObj;

/** This week: meetings, a call, follow-ups (tasks) and a conference day. Arrow keys move the focused day, Enter opens it. */
export const Week: Story = {};

/** The month, each day with its first three items. */
export const Month: Story = { args: { view: 'month' } };

/** One day as a list. */
export const Day: Story = { args: { view: 'day' } };

/** The next two weeks, day by day. */
export const Agenda: Story = { args: { view: 'agenda' } };

/** Nothing planned. */
export const Empty: Story = { args: { view: 'agenda' }, render: (args, { globals }) => withClient(createMemoryCalendar({ empty: true }).client, globals, html`<crm-calendar view=${args.view}></crm-calendar>`) };

/** While the calendar loads. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingCalendarClient, globals, html`<crm-calendar></crm-calendar>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingCalendarClient, globals, html`<crm-calendar></crm-calendar>`) };
