import { sendKeys, setViewport } from '@web/test-runner-commands';
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until } from '../test/live-api.js';
import { failingPrivacyClient } from '../test/memory-privacy.js';
import { expectFitsLayout } from '../test/viewport.js';
import type { CrmPrivacyConsole } from './privacy-console.component.js';
import './privacy-console.js';

async function mount(client: unknown, user: unknown, locale = 'en', theme = 'light'): Promise<CrmPrivacyConsole> {
  const provider = await fixture(html`<crm-provider .client=${client} .user=${user} locale=${locale} theme=${theme}><crm-privacy-console></crm-privacy-console></crm-provider>`);
  const console_ = provider.querySelector('crm-privacy-console')!;
  await until(() => Boolean(console_.shadowRoot!.querySelector('[part="history"] table, [part="history"] p, crm-state[kind="error"]')), 8000, 'history');
  return console_;
}

const $ = <T extends Element = HTMLElement>(el: CrmPrivacyConsole, selector: string) => el.shadowRoot!.querySelector<T & Element>(selector) as T;

async function type(el: CrmPrivacyConsole, field: string, text: string): Promise<void> {
  const input = $<HTMLInputElement>(el, `[data-field="${field}"]`);
  input.focus();
  input.select();
  await sendKeys({ type: text });
}

describe('crm-privacy-console', () => {
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
  });

  it('should look a person up, export them, refuse an unconfirmed erasure, then erase them by keyboard on the real API', async () => {
    const own = await liveApi();
    const email = `erase-me-${Date.now()}@example.test`;
    const contact = await own.client.contacts.create({ firstName: 'Elsa', lastName: 'Eraseme', emails: [{ label: 'work', value: email, primary: true }], phones: [{ label: 'work', value: '+49 30 5550123', primary: true }] });
    await own.client.activities.create({ type: 'call', title: 'First call', subject: { type: 'contact', id: contact.id }, occurredAt: new Date().toISOString() });
    const keeper = await own.client.contacts.create({ firstName: 'Karl', lastName: 'Keeper', emails: [{ label: 'work', value: `keep-${Date.now()}@example.test`, primary: true }] });
    const el = await mount(own.client, own.user);
    expect($(el, '#search-heading').textContent).to.equal('Privacy requests');
    await expectAccessible(el);

    await type(el, 'email', email);
    await sendKeys({ press: 'Enter' });
    await until(() => Boolean($(el, '[part="held"]')), 8000, 'held');
    const rows = [...el.shadowRoot!.querySelectorAll('[part="held"] tbody tr')].map((tr) => [...tr.children].map((cell) => cell.textContent!.trim()).join(': '));
    expect(rows).to.include('Contacts: 1');
    expect(rows).to.include('Activities: 1');
    expect($(el, '[part="held"] caption').textContent).to.match(/^\d+ records$/);
    await expectAccessible(el);

    const exported = oneEvent(el, 'crm-privacy-exported');
    $<HTMLButtonElement>(el, '[data-export]').click();
    const { detail: exportDetail } = await exported;
    expect(exportDetail.request.type).to.equal('export');
    expect(exportDetail.request.counts.activities).to.equal(1);

    // A wrong confirmation erases nothing and says what to type.
    await type(el, 'confirmation', 'erase');
    $<HTMLButtonElement>(el, '[part="erase"] button[type="submit"]').click();
    await until(() => Boolean($(el, '#f-confirmation-error')), 4000, 'confirmation error');
    expect($(el, '#f-confirmation-error').textContent).to.equal('Type ERASE to erase the person.');
    expect((await own.client.contacts.get(contact.id)).id).to.equal(contact.id);

    const erased = oneEvent(el, 'crm-privacy-erased');
    await type(el, 'confirmation', 'ERASE');
    await sendKeys({ press: 'Enter' });
    const { detail } = await erased;
    expect(detail.request.type).to.equal('erasure');
    expect(detail.request.counts.contacts).to.equal(1);
    let gone = false;
    await own.client.contacts.get(contact.id).catch(() => (gone = true));
    expect(gone).to.equal(true);
    expect((await own.client.contacts.get(keeper.id)).id).to.equal(keeper.id);
    await until(() => el.shadowRoot!.querySelectorAll('[part="history"] tbody tr').length === 2, 8000, 'history rows');
    expect($(el, '[part="history"] tbody tr').textContent).to.match(/Erasure/);
    expect($(el, '[part="message"]').textContent).to.match(/was erased\.$/);
    await expectAccessible(el);
  });

  it('should speak German, fit 390 and 1280 px in dark mode, and show an error state when the API is down', async () => {
    const own = await liveApi();
    for (const width of [390, 1280]) {
      await setViewport({ width, height: 800 });
      const el = await mount(own.client, own.user, 'de', 'dark');
      expect($(el, '#search-heading').textContent).to.equal('Datenschutzanfragen');
      expect($(el, '[part="search"] button[type="submit"]').textContent).to.equal('Suchen');
      expectFitsLayout(el);
      await expectAccessible(el);
    }
    const broken = await mount(failingPrivacyClient, own.user);
    expect($(broken, 'crm-state[kind="error"]')).to.not.equal(null);
  });
});
