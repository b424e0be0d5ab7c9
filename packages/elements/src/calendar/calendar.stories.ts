import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryCalendar, failingCalendarClient, pendingCalendarClient } from '../test/memory-calendar.js';
import { until } from '../test/live-api.js';
import { withClient } from '../test/story-provider.js';
import './calendar.js';

const calendarIn = (canvas: HTMLElement) => canvas.querySelector('crm-calendar')!;
const inCalendar = (canvas: HTMLElement, selector: string) => calendarIn(canvas).shadowRoot!.querySelector<HTMLElement>(selector);

/** Opens the edit dialog on the first occurrence titled `title`, as a click does. */
async function openOccurrence(canvas: HTMLElement, title: string) {
  await until(() => [...(calendarIn(canvas).shadowRoot?.querySelectorAll('[data-occurrence]') ?? [])].some((b) => b.textContent!.includes(title)), 6000, title);
  [...calendarIn(canvas).shadowRoot!.querySelectorAll<HTMLElement>('[data-occurrence]')].find((b) => b.textContent!.includes(title))!.click();
  await until(() => Boolean(inCalendar(canvas, 'dialog[data-editor][open] [data-editor-save]:not([disabled])')), 6000, 'the edit dialog');
}

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

/** *New entry* (or a press on a day's empty space) opens the dialog for a new entry on the focused day. */
export const NewEntry: Story = {
  play: async ({ canvasElement }) => {
    inCalendar(canvasElement, '[data-new]')!.click();
    await until(() => Boolean(inCalendar(canvasElement, 'dialog[data-editor][open]')), 6000, 'the dialog');
  },
};

/** An occurrence of a weekly series opened: the dialog first asks whether only this occurrence or the whole series changes. */
export const EditOccurrence: Story = {
  args: { view: 'agenda' },
  play: async ({ canvasElement }) => openOccurrence(canvasElement, 'Weekly sales'),
};

/** The whole series chosen: kind, all day and attendees belong to the series and can change too. */
export const EditSeries: Story = {
  args: { view: 'agenda' },
  play: async ({ canvasElement }) => {
    await openOccurrence(canvasElement, 'Weekly sales');
    inCalendar(canvasElement, '[data-scope="series"]')!.click();
    await until(() => Boolean(inCalendar(canvasElement, 'dialog[data-editor] [data-field="attendees"]')), 3000, 'the series fields');
  },
};

/** How the Conflict story changes its entry behind the dialog's back. */
let conflictTouch: ((title: string) => void) | undefined;

/** Someone else saved the entry meanwhile: nothing is saved, and the dialog offers their version. */
export const Conflict: Story = {
  args: { view: 'agenda' },
  render: (args, { globals }) => {
    const memory = createMemoryCalendar();
    conflictTouch = memory.touch;
    return withClient(memory.client, globals, html`<crm-calendar view=${args.view}></crm-calendar>`);
  },
  play: async ({ canvasElement }) => {
    await openOccurrence(canvasElement, 'Kick-off Globex');
    conflictTouch?.('Kick-off Globex');
    inCalendar(canvasElement, '[data-editor-save]')!.click();
    await until(() => Boolean(inCalendar(canvasElement, '[data-editor-reload]')), 6000, 'the conflict');
  },
};
