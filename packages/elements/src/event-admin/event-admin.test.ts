import { sendKeys, setViewport } from '@web/test-runner-commands';
import { expect, fixture, html } from '@open-wc/testing';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { createMemorySalesEvents } from '../test/memory-sales-events.js';
import { expectFitsLayout } from '../test/viewport.js';
import type { CrmDataClient } from '../shared/api/transport.js';
import type { CrmEventAdmin } from './event-admin.component.js';
import './event-admin.js';

const $ = <T extends Element = HTMLElement>(el: CrmEventAdmin, selector: string) => el.shadowRoot!.querySelector(selector) as T;
const text = (el: Element | null) => el?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

async function mount(client: CrmDataClient | LiveApi['client'], locale = 'en', theme = 'light') {
  const provider = await fixture(html`<crm-provider .client=${client} .user=${{ id: '1', name: 'Admin', email: 'a@example.test' }} locale=${locale} theme=${theme}><crm-event-admin></crm-event-admin></crm-provider>`);
  const admin = provider.querySelector('crm-event-admin')!;
  await until(() => Boolean(admin.shadowRoot!.querySelector('form')), 8000, 'the form');
  return admin;
}

async function type(admin: CrmEventAdmin, field: string, value: string) {
  $<HTMLInputElement>(admin, `[data-field="${field}"]`).focus();
  await sendKeys({ type: value });
}

describe('crm-event-admin', () => {
  let api: LiveApi;

  before(async () => {
    api = await liveApi();
  });
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
  });

  it('should create an event, register a new person as a lead and check them in by keyboard (real API)', async () => {
    const admin = await mount(api.client);
    expect($(admin, 'crm-state')?.getAttribute('kind')).to.equal('empty');
    await type(admin, 'name', 'Pharma Summit');
    await type(admin, 'venue', 'Estrel Berlin');
    $<HTMLInputElement>(admin, '[data-field="startsAt"]').value = '2027-03-01T09:00';
    $<HTMLInputElement>(admin, '[data-field="endsAt"]').value = '2027-02-01T09:00';
    await type(admin, 'capacity', '1');
    $<HTMLButtonElement>(admin, '[data-create]').focus();
    await sendKeys({ press: 'Enter' });
    // The API refuses an end before the start, naming the field.
    await until(() => Boolean($(admin, '#e-endsAt')), 6000, 'endsAt error');
    expect($(admin, '[data-field="endsAt"]').getAttribute('aria-invalid')).to.equal('true');
    $<HTMLInputElement>(admin, '[data-field="endsAt"]').value = '2027-03-02T17:00';
    $<HTMLButtonElement>(admin, '[data-create]').click();
    await until(() => Boolean($(admin, '[data-open]')), 6000, 'the event listed');
    expect(text($(admin, 'caption'))).to.equal('1 sales event');

    $<HTMLButtonElement>(admin, '[data-open]').focus();
    await sendKeys({ press: 'Enter' });
    await until(() => Boolean($(admin, '[data-selected]')), 6000, 'the event opened');
    expect(admin.shadowRoot!.activeElement?.id).to.equal('event-title', 'focus moves to the event');
    await type(admin, 'email', 'kim.lee@example.test');
    await type(admin, 'firstName', 'Kim');
    await type(admin, 'lastName', 'Lee');
    $<HTMLButtonElement>(admin, '[data-register]').click();
    await until(() => Boolean($(admin, '[data-check-in]')), 6000, 'the registration');
    // The only seat is taken: the next person is refused on capacity.
    await type(admin, 'email', 'second@example.test');
    await type(admin, 'firstName', 'Sam');
    await type(admin, 'lastName', 'Second');
    $<HTMLButtonElement>(admin, '[data-register]').click();
    await until(() => Boolean($(admin, '#e-capacity')), 6000, 'the capacity problem');

    $<HTMLButtonElement>(admin, '[data-check-in]').focus();
    await sendKeys({ press: 'Enter' });
    await until(() => Boolean($(admin, '[data-checked-in]')), 6000, 'checked in');
    await until(() => text($(admin, '[data-summary]')).includes('1 registration · 1 checked in'), 6000, 'the counts');
    await expectAccessible(admin);

    const [event] = (await api.client.salesEvents.list()).data;
    const [reg] = (await api.client.salesEvents.registrations(event!.id)).data;
    expect(reg!.leadId).to.be.a('string', 'the new registrant became a lead');
    expect(reg!.checkedInAt).to.be.a('string');
  });

  it('should speak German with plurals, fit 390 and 1280 px and be axe-clean in the dark theme', async () => {
    const admin = await mount(createMemorySalesEvents().client, 'de', 'dark');
    expect(text($(admin, 'caption'))).to.equal('2 Vertriebsveranstaltungen');
    $<HTMLButtonElement>(admin, '[data-open]').click();
    await until(() => Boolean($(admin, '[data-selected]')), 6000, 'the event opened');
    expect(text($(admin, '[data-summary]'))).to.contain('3 Anmeldungen · 1 eingecheckt');
    for (const width of [390, 1280]) {
      await setViewport({ width, height: 800 });
      await expectFitsLayout(admin);
    }
    await expectAccessible(admin);
  });
});
