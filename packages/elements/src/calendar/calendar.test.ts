import { sendKeys } from '@web/test-runner-commands';
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { localInputValue } from '../task-list/zoned-time.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
import type { CrmCalendar } from './calendar.component.js';
import { dayKey } from './calendar.component.js';
import './calendar.js';

const $ = <T extends Element = HTMLElement>(calendar: CrmCalendar, selector: string) => calendar.shadowRoot!.querySelector(selector) as T;
const text = (el: Element | null) => el?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
const focused = (calendar: CrmCalendar) => calendar.shadowRoot!.activeElement as HTMLElement | null;
const dialogOf = (calendar: CrmCalendar) => $<HTMLDialogElement>(calendar, 'dialog[data-editor]');
const field = (calendar: CrmCalendar, name: string) => $<HTMLInputElement>(calendar, `dialog[data-editor] [data-field="${name}"]`);
/** Types into a field of the dialog as a person does (the value, then an input event). */
function type(calendar: CrmCalendar, name: string, value: string) {
  const input = field(calendar, name);
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}
/** The error shown beside a field of the dialog (its `aria-describedby` names it). */
const errorOf = (calendar: CrmCalendar, name: string) => text(calendar.shadowRoot!.getElementById(`f-${name}-error`));
const announced = (calendar: CrmCalendar) => text($(calendar, '[data-announcement]'));
const occurrenceButtons = (calendar: CrmCalendar, title: string) => [...calendar.shadowRoot!.querySelectorAll<HTMLButtonElement>('[data-occurrence]')].filter((b) => text(b).includes(title));

/** Clicks the `index`th occurrence titled `title` and waits for its dialog to have read the entry. */
async function openOccurrence(calendar: CrmCalendar, title: string, index = 0) {
  await until(() => occurrenceButtons(calendar, title).length > index, 6000, `${title} shown`);
  const button = occurrenceButtons(calendar, title)[index]!;
  button.focus();
  button.click();
  await until(() => dialogOf(calendar).open && Boolean($(calendar, '[data-editor-save]:not([disabled])')), 6000, 'the dialog read the entry');
  return button.dataset.occurrence!;
}

/** A Wednesday three weeks ahead, at a local hour. */
function wednesday(hour: number): Date {
  const d = new Date();
  d.setDate(d.getDate() + 21 + ((3 - d.getDay() + 7) % 7));
  d.setHours(hour, 0, 0, 0);
  return d;
}

async function mount(api: LiveApi, attrs: { view: string; date: string; locale?: string }) {
  const provider = await fixture(html`<crm-provider .client=${api.client} .user=${api.user} locale=${attrs.locale ?? 'en'}><crm-calendar view=${attrs.view} date=${attrs.date}></crm-calendar></crm-provider>`);
  const calendar = provider.querySelector('crm-calendar')!;
  await until(() => Boolean(calendar.shadowRoot?.querySelector('[role="grid"], .agenda, crm-state[kind="empty"], crm-state[kind="error"]')), 8000, 'the calendar').catch((error: Error) => {
    throw new Error(`${error.message}: ${calendar.shadowRoot?.innerHTML.slice(-500) ?? 'no shadow root'}`);
  });
  const failed = calendar.shadowRoot!.querySelector('crm-state[kind="error"]');
  if (failed) throw new Error(`the calendar failed to load: ${failed.getAttribute('message')}`);
  return calendar;
}

describe('crm-calendar', () => {
  let api: LiveApi;
  const start = wednesday(10);
  const day = dayKey(start);

  before(async () => {
    api = await liveApi();
    await api.client.calendar.create({ kind: 'meeting', title: 'Kick-off Globex', startAt: start.toISOString(), endAt: new Date(start.getTime() + 3_600_000).toISOString(), timeZone: 'Europe/Berlin' });
    await api.client.tasks.create({ kind: 'followUp', title: 'Send the brochure', dueAt: wednesday(15).toISOString() });
  });
  afterEach(resetViewport);

  it('should show a week with entries and follow-ups, move the focused day by arrow keys and open a day with Enter', async () => {
    const calendar = await mount(api, { view: 'week', date: day });
    await until(() => text(calendar.shadowRoot!.querySelector(`[data-day="${day}"]`)?.closest('[role="gridcell"]') ?? null).includes('Kick-off Globex'), 6000, 'the entry');
    const cell = $(calendar, `[data-day="${day}"]`).closest('[role="gridcell"]')!;
    expect(text(cell)).to.contain('Send the brochure');
    expect(cell.querySelector('.occurrence.task')).to.not.equal(null);
    expect($(calendar, '[data-view="week"]').getAttribute('aria-pressed')).to.equal('true');
    await expectAccessible(calendar);

    $(calendar, `[data-day="${day}"]`).focus();
    await sendKeys({ press: 'ArrowRight' });
    await until(() => focused(calendar)?.getAttribute('data-day') === dayKey(new Date(start.getFullYear(), start.getMonth(), start.getDate() + 1)), 3000, 'focus on Thursday');
    await sendKeys({ press: 'ArrowLeft' });
    await until(() => focused(calendar)?.getAttribute('data-day') === day, 3000, 'focus back on Wednesday');
    const next = dayKey(new Date(start.getFullYear(), start.getMonth(), start.getDate() + 7));
    await sendKeys({ press: 'ArrowDown' });
    await until(() => focused(calendar)?.getAttribute('data-day') === next, 3000, 'focus a week later, the view moved along');
    expect(calendar.date).to.equal(next);
    await sendKeys({ press: 'ArrowUp' });
    await until(() => focused(calendar)?.getAttribute('data-day') === day, 3000, 'back');

    const navigated = oneEvent(calendar, 'crm-calendar-navigated');
    await sendKeys({ press: 'Enter' });
    expect((await navigated).detail).to.deep.equal({ view: 'day', date: day });
    await until(() => Boolean($(calendar, '.agenda')), 6000, 'the day view');
    expect(calendar.getAttribute('view')).to.equal('day');

    const opened = oneEvent(calendar, 'crm-occurrence-opened');
    const button = [...calendar.shadowRoot!.querySelectorAll<HTMLButtonElement>('[data-occurrence]')].find((b) => b.textContent!.includes('Kick-off Globex'))!;
    button.focus();
    await sendKeys({ press: 'Enter' });
    const { occurrence } = (await opened).detail;
    expect(occurrence.title).to.equal('Kick-off Globex');
    expect(occurrence.source).to.equal('entry');
  });

  it('should show the month and the agenda in German with Intl dates, fitting 390 px and 1280 px', async () => {
    const calendar = await mount(api, { view: 'month', date: day, locale: 'de' });
    await until(() => text(calendar.shadowRoot!.querySelector(`[data-day="${day}"]`)?.closest('[role="gridcell"]') ?? null).includes('Kick-off'), 6000, 'the entry');
    expect(text($(calendar, '[data-today]'))).to.equal('Heute');
    expect(text($(calendar, '.title'))).to.equal(new Intl.DateTimeFormat('de', { month: 'long', year: 'numeric' }).format(start));
    expect(text($(calendar, '[role="columnheader"]'))).to.equal('Mo', 'German weeks start on Monday');
    expect($(calendar, `[data-day="${day}"]`).getAttribute('aria-label')).to.contain('2 Einträge');
    for (const width of [phoneWidth, deskWidth]) {
      await useViewport(width);
      await calendar.updateComplete;
      expectFitsLayout(calendar);
    }
    await expectAccessible(calendar);

    $(calendar, '[data-view="agenda"]').click();
    calendar.date = dayKey(new Date(start.getFullYear(), start.getMonth(), start.getDate() - 1));
    await until(() => text($(calendar, '.agenda')).includes('Send the brochure'), 6000, 'the agenda');
    expect(text($(calendar, '.agenda h3'))).to.equal(new Intl.DateTimeFormat('de', { dateStyle: 'full' }).format(start));
    await useViewport(phoneWidth);
    expectFitsLayout(calendar);
    await expectAccessible(calendar);
  });

  it('should open a new entry on a day pressed on its empty space, or on the focused day with New entry; Escape closes it', async () => {
    const calendar = await mount(api, { view: 'week', date: day });
    const thursday = dayKey(new Date(start.getFullYear(), start.getMonth(), start.getDate() + 1));
    $(calendar, `[data-day="${thursday}"]`).closest<HTMLElement>('[role="gridcell"]')!.click();
    await until(() => dialogOf(calendar).open, 3000, 'the dialog');
    expect([field(calendar, 'startAt').value, field(calendar, 'endAt').value]).to.deep.equal([`${thursday}T09:00`, `${thursday}T10:00`]);
    expect(text($(calendar, '#editor-heading'))).to.equal('New calendar entry');
    await sendKeys({ press: 'Escape' });
    await until(() => !dialogOf(calendar).open, 3000, 'closed by Escape');

    $(calendar, `[data-day="${day}"]`).focus();
    await sendKeys({ press: 'ArrowLeft' });
    await until(() => focused(calendar)?.getAttribute('data-day') !== day, 3000, 'Tuesday focused');
    const tuesday = focused(calendar)!.getAttribute('data-day')!;
    $(calendar, '[data-new]').click();
    await until(() => dialogOf(calendar).open, 3000, 'the dialog');
    expect(field(calendar, 'startAt').value).to.equal(`${tuesday}T09:00`);
    $(calendar, '[data-editor-close]').click();
    await until(() => !dialogOf(calendar).open, 3000, 'closed');
  });

  it('should create an entry from New entry, show the API\'s problem beside the field it names, announce the result and return focus', async () => {
    const calendar = await mount(api, { view: 'agenda', date: day });
    const opener = $<HTMLButtonElement>(calendar, '[data-new]');
    opener.focus();
    opener.click();
    await until(() => dialogOf(calendar).open, 3000, 'the dialog');
    await until(() => focused(calendar) === field(calendar, 'title'), 3000, 'focus on the title');
    expect(calendar.shadowRoot!.querySelector('dialog[data-editor] label[for="f-title"]')).to.not.equal(null);
    await expectAccessible(calendar);

    // Refused by the browser-side check first: no title, end before start.
    type(calendar, 'endAt', `${day}T08:00`);
    $(calendar, '[data-editor-save]').click();
    await until(() => errorOf(calendar, 'title') !== '', 3000, 'the title error');
    expect(errorOf(calendar, 'endAt')).to.equal('The end must be after the start.');
    expect(focused(calendar)).to.equal(field(calendar, 'title'));

    type(calendar, 'title', 'Demo for Initech');
    type(calendar, 'startAt', `${day}T13:00`);
    type(calendar, 'endAt', `${day}T14:30`);
    type(calendar, 'location', 'Room 4');
    type(calendar, 'attendees', 'not-an-address');
    $(calendar, '[data-editor-save]').click();
    // The API refuses the attendee; its problem sits beside the attendees field.
    await until(() => errorOf(calendar, 'attendees') !== '', 6000, 'the API\'s attendee problem');
    expect(field(calendar, 'attendees').getAttribute('aria-invalid')).to.equal('true');
    expect(dialogOf(calendar).open).to.equal(true);

    type(calendar, 'attendees', 'gina@initech.example');
    const saved = oneEvent(calendar, 'crm-calendar-entry-saved');
    $(calendar, '[data-editor-save]').click();
    const { entry, created, scope } = (await saved).detail;
    expect([created, scope]).to.deep.equal([true, 'entry']);
    expect(entry.startAt).to.equal(new Date(`${day}T13:00`).toISOString());
    expect(entry.attendees.map((a: { email: string }) => a.email)).to.deep.equal(['gina@initech.example']);
    await until(() => !dialogOf(calendar).open && announced(calendar) === '“Demo for Initech” is on the calendar.', 6000, 'the announcement');
    await until(() => focused(calendar) === opener, 3000, 'focus back on New entry');
    await until(() => occurrenceButtons(calendar, 'Demo for Initech').length === 1, 6000, 'the new entry shown');
    const stored = await api.client.calendar.get(entry.id);
    expect([stored.title, stored.location, stored.endAt]).to.deep.equal(['Demo for Initech', 'Room 4', new Date(`${day}T14:30`).toISOString()]);
  });

  it('should change only one occurrence or the whole series, cancel one occurrence, and show a conflict', async () => {
    const first = wednesday(11);
    const series = await api.client.calendar.create({ kind: 'meeting', title: 'Pipeline review', startAt: first.toISOString(), endAt: new Date(first.getTime() + 1_800_000).toISOString(), timeZone: 'Europe/Berlin', recurrence: 'FREQ=WEEKLY;COUNT=4' });
    const second = new Date(first.getTime() + 7 * 86_400_000);
    const range = { from: new Date(first.getTime() - 86_400_000).toISOString(), to: new Date(first.getTime() + 15 * 86_400_000).toISOString() };
    const ofSeries = async () => (await api.client.calendar.range(range)).data.filter((o) => o.id === series.id);
    const calendar = await mount(api, { view: 'agenda', date: day, locale: 'en' });

    // Only this occurrence: the first moves an hour later under a new title; the second keeps the series'.
    await openOccurrence(calendar, 'Pipeline review');
    const only = $<HTMLInputElement>(calendar, '[data-scope="occurrence"]');
    expect(only.checked).to.equal(true);
    expect(focused(calendar)).to.equal(only);
    expect(text($(calendar, '[part="editor-scope"] legend'))).to.equal('Change');
    expect(field(calendar, 'attendees'), 'attendees belong to the series').to.equal(null);
    expect(field(calendar, 'startAt').value).to.equal(localInputValue(first));
    await expectAccessible(calendar);
    type(calendar, 'title', 'Pipeline review (moved)');
    type(calendar, 'startAt', localInputValue(new Date(first.getTime() + 3_600_000)));
    type(calendar, 'endAt', localInputValue(new Date(first.getTime() + 5_400_000)));
    let saved = oneEvent(calendar, 'crm-calendar-entry-saved');
    $(calendar, '[data-editor-save]').click();
    expect((await saved).detail).to.include({ scope: 'occurrence', recurrenceId: first.toISOString() });
    await until(() => announced(calendar) === 'This occurrence of “Pipeline review (moved)” is saved.', 6000, 'the occurrence announcement');
    let shown = await ofSeries();
    expect(shown.map((o) => [o.title, o.startAt])).to.deep.equal([
      ['Pipeline review (moved)', new Date(first.getTime() + 3_600_000).toISOString()],
      ['Pipeline review', second.toISOString()],
      ['Pipeline review', new Date(second.getTime() + 7 * 86_400_000).toISOString()],
    ]);

    // The whole series, opened from its second occurrence: the series is retitled and gets a location.
    // The agenda shows two weeks from the first: the moved occurrence and the second.
    await until(() => occurrenceButtons(calendar, 'Pipeline review').length === 2, 6000, 'the calendar read again');
    await openOccurrence(calendar, 'Pipeline review', 1);
    $(calendar, '[data-scope="series"]').click();
    await until(() => Boolean(field(calendar, 'attendees')), 3000, 'the series fields');
    expect(field(calendar, 'title').value).to.equal('Pipeline review');
    expect(text($(calendar, '[data-editor-save]'))).to.equal('Save the series');
    type(calendar, 'title', 'Forecast review');
    type(calendar, 'location', 'Room 2');
    saved = oneEvent(calendar, 'crm-calendar-entry-saved');
    $(calendar, '[data-editor-save]').click();
    expect((await saved).detail).to.include({ scope: 'series', recurrenceId: null });
    await until(() => announced(calendar) === 'The series “Forecast review” is saved.', 6000, 'the series announcement');
    shown = await ofSeries();
    expect(shown.map((o) => o.title)).to.deep.equal(['Pipeline review (moved)', 'Forecast review', 'Forecast review'], 'the moved occurrence keeps its own title, the rest follow the series');
    expect(shown.map((o) => o.location)).to.deep.equal([null, 'Room 2', 'Room 2']);
    expect(shown[0]!.startAt, 'the series kept its start, so the override stays').to.equal(new Date(first.getTime() + 3_600_000).toISOString());

    // Cancel only the second occurrence: asked first, then gone from the range, recorded as an exception.
    await until(() => occurrenceButtons(calendar, 'Forecast review').length === 1, 6000, 'the calendar read again');
    await openOccurrence(calendar, 'Forecast review');
    $(calendar, '[data-editor-delete]').click();
    await until(() => focused(calendar) === $(calendar, '[data-delete-keep]'), 3000, 'the question, focus on Keep');
    expect(text($(calendar, '#delete-question'))).to.contain('Cancel only this occurrence of “Forecast review”?');
    const deleted = oneEvent(calendar, 'crm-calendar-entry-deleted');
    $(calendar, '[data-delete-confirm]').click();
    expect((await deleted).detail).to.deep.equal({ id: series.id, scope: 'occurrence', recurrenceId: second.toISOString() });
    await until(() => announced(calendar) === 'This occurrence of “Forecast review” is cancelled.', 6000, 'the cancellation announcement');
    shown = await ofSeries();
    expect(shown.map((o) => o.recurrenceId)).to.deep.equal([first.toISOString(), new Date(second.getTime() + 7 * 86_400_000).toISOString()]);
    expect((await api.client.calendar.get(series.id)).exceptions).to.deep.equal([second.toISOString()]);

    // Someone else changes the series while the dialog is open: nothing is saved, the conflict is said, their version loads.
    calendar.date = dayKey(second);
    await until(() => occurrenceButtons(calendar, 'Forecast review').length === 1, 6000, 'the third occurrence');
    await openOccurrence(calendar, 'Forecast review');
    await api.client.calendar.update(series.id, { title: 'Forecast review (by Sam)' });
    type(calendar, 'title', 'Mine');
    $(calendar, '[data-editor-save]').click();
    await until(() => Boolean($(calendar, '[data-editor-reload]')), 6000, 'the conflict');
    expect(text($(calendar, '[data-editor-message]'))).to.contain('Someone changed this entry after you opened it');
    expect(focused(calendar)).to.equal($(calendar, '[data-editor-reload]'));
    for (const width of [phoneWidth, deskWidth]) {
      await useViewport(width);
      await calendar.updateComplete;
      // The modal dialog lies over the calendar: it fits the viewport and its own controls neither shrink nor overlap.
      expectFitsLayout(dialogOf(calendar));
    }
    await expectAccessible(calendar);
    $(calendar, '[data-editor-reload]').click();
    await until(() => field(calendar, 'title')?.value === 'Forecast review (by Sam)', 6000, 'their version');
    expect(announced(calendar)).to.equal('The entry as it is now is loaded.');
    expect((await api.client.calendar.get(series.id)).title).to.equal('Forecast review (by Sam)');
    $(calendar, '[data-editor-close]').click();
    await until(() => !dialogOf(calendar).open, 3000, 'closed');
  });
});
