import { sendKeys } from '@web/test-runner-commands';
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
import type { CrmCalendar } from './calendar.component.js';
import { dayKey } from './calendar.component.js';
import './calendar.js';

const $ = <T extends Element = HTMLElement>(calendar: CrmCalendar, selector: string) => calendar.shadowRoot!.querySelector(selector) as T;
const text = (el: Element | null) => el?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
const focused = (calendar: CrmCalendar) => calendar.shadowRoot!.activeElement as HTMLElement | null;

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
});
