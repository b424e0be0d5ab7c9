import { sendKeys, setViewport } from '@web/test-runner-commands';
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until } from '../test/live-api.js';
import { createMemoryPrivacy, failingPrivacyClient } from '../test/memory-privacy.js';
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

    // The ZIP of CSV files, from the real API: captured where the console hands it to the browser.
    expect($(el, '[part="acceptances"] p').textContent).to.equal('No acceptance of the terms or the privacy notice is recorded.');
    const blobs: Blob[] = [];
    const createObjectURL = URL.createObjectURL.bind(URL);
    URL.createObjectURL = (blob: Blob | MediaSource) => {
      blobs.push(blob as Blob);
      return createObjectURL(blob);
    };
    try {
      // The exported event comes from inside the export's work: the buttons are enabled again only after it.
      await until(() => !$<HTMLButtonElement>(el, '[data-export-zip]').disabled, 8000, 'zip button enabled');
      $<HTMLButtonElement>(el, '[data-export-zip]').focus();
      await sendKeys({ press: 'Enter' });
      await until(() => /ZIP export/.test($(el, '[part="message"]').textContent ?? ''), 15000, 'zip downloaded');
    } finally {
      URL.createObjectURL = createObjectURL;
    }
    const zip = blobs.at(-1)!;
    expect(zip.type).to.equal('application/zip');
    expect(new TextDecoder().decode(new Uint8Array(await zip.arrayBuffer()).slice(0, 2))).to.equal('PK');
    expect($(el, '[part="message"]').textContent).to.match(/^The ZIP export of .+ was downloaded\.$/);

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
    // Three requests recorded: the JSON export, the ZIP export, the erasure (newest first).
    await until(() => el.shadowRoot!.querySelectorAll('[part="history"] tbody tr').length === 3, 8000, 'history rows');
    expect($(el, '[part="history"] tbody tr').textContent).to.match(/Erasure/);
    expect($(el, '[part="message"]').textContent).to.match(/was erased\.$/);
    await expectAccessible(el);
  });

  it('should list the terms and privacy versions the person accepted, with time and where, the current ones marked, in English and German', async () => {
    const own = await liveApi();
    for (const [locale, expected] of [
      ['en', ['Privacy notice: 3.0: Campaign form SPRING26', 'Terms of use: 2026-02 (current): Customer portal', 'Privacy notice: 3.1 (current): Customer portal']],
      ['de', ['Datenschutzhinweis: 3.0: Kampagnenformular SPRING26', 'Nutzungsbedingungen: 2026-02 (aktuell): Kundenportal', 'Datenschutzhinweis: 3.1 (aktuell): Kundenportal']],
    ] as const) {
      const el = await mount(createMemoryPrivacy().client, own.user, locale, locale === 'de' ? 'dark' : 'light');
      await type(el, 'email', 'ada@example.org');
      await sendKeys({ press: 'Enter' });
      await until(() => Boolean($(el, '[part="acceptances"] table')), 8000, 'acceptances');
      const rows = [...el.shadowRoot!.querySelectorAll('[part="acceptances"] tbody tr')].map((tr) => [...tr.children].filter((_, i) => i !== 2).map((cell) => cell.textContent!.trim().replace(/\s+/g, ' ')).join(': '));
      expect(rows).to.deep.equal(expected);
      expect($(el, '[part="acceptances"] caption').textContent).to.equal(locale === 'en' ? '3 acceptances' : '3 Zustimmungen');
      const when = $(el, '[part="acceptances"] tbody tr time');
      expect(when.getAttribute('datetime')).to.equal('2026-01-03T14:05:00.000Z');
      expect(when.textContent).to.match(/2026/);
      await expectAccessible(el);
    }
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
