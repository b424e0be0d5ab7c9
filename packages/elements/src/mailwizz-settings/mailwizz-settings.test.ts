import { sendKeys, setViewport } from '@web/test-runner-commands';
import { expect, fixture, html } from '@open-wc/testing';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until } from '../test/live-api.js';
import { failingMailwizzClient } from '../test/memory-mailwizz.js';
import { expectFitsLayout } from '../test/viewport.js';
import type { CrmMailwizzSettings } from './mailwizz-settings.component.js';
import './mailwizz-settings.js';

async function mount(client: unknown, user: unknown, locale = 'en', theme = 'light'): Promise<CrmMailwizzSettings> {
  const provider = await fixture(html`<crm-provider .client=${client} .user=${user} locale=${locale} theme=${theme}><crm-mailwizz-settings></crm-mailwizz-settings></crm-provider>`);
  const el = provider.querySelector('crm-mailwizz-settings')!;
  await until(() => Boolean(el.shadowRoot!.querySelector('[part="connection"], crm-state[kind="error"]')), 8000, 'connection form');
  return el;
}

const $ = <T extends Element = HTMLElement>(el: CrmMailwizzSettings, selector: string) => el.shadowRoot!.querySelector<T & Element>(selector) as T;

async function type(el: CrmMailwizzSettings, field: string, text: string): Promise<void> {
  const input = $<HTMLInputElement>(el, `[data-field="${field}"]`);
  input.focus();
  input.select();
  await sendKeys({ type: text });
}

describe('crm-mailwizz-settings', () => {
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
  });

  it('should connect Mailwizz by keyboard, say when a key is wrong, never show a key, and queue a segment on the real API', async () => {
    const own = await liveApi();
    const mailwizz = (await (await fetch('/__crm-e2e/mailwizz')).json()) as { url: string; publicKey: string; privateKey: string };
    const segment = await own.client.segments.create({ name: 'Newsletter readers', resource: 'contact', filters: { tag: 'newsletter' }, sharing: 'agency' });
    const el = await mount(own.client, own.user);
    expect($(el, '#connection-heading').textContent).to.equal('Mailwizz connection');
    await expectAccessible(el);

    await type(el, 'apiUrl', mailwizz.url);
    await type(el, 'publicKey', mailwizz.publicKey);
    await type(el, 'privateKey', 'not-the-private-key-9999');
    await type(el, 'fromName', 'Agency');
    await type(el, 'fromEmail', 'news@agency.test');
    await sendKeys({ press: 'Enter' });
    await until(() => $(el, '[part="message"]')?.textContent === 'The Mailwizz connection was saved.', 8000, 'saved');
    await until(() => !$<HTMLButtonElement>(el, '[data-test]').disabled, 8000, 'test button enabled');
    expect($(el, '#f-privateKey-hint').textContent).to.equal('Set, ends in 9999. Leave empty to keep it.');
    expect($<HTMLInputElement>(el, '[data-field="privateKey"]').value).to.equal('', 'a key is never shown again');
    expect(el.shadowRoot!.innerHTML).to.not.include(mailwizz.publicKey);

    $<HTMLButtonElement>(el, '[data-test]').click();
    await until(() => /^The test failed: /.test($(el, '[part="message"]')?.textContent ?? ''), 8000, 'test failed');
    expect($(el, '[part="message"]').textContent).to.match(/Invalid API request signature/);

    await type(el, 'privateKey', mailwizz.privateKey);
    await sendKeys({ press: 'Enter' });
    await until(() => $(el, '[part="message"]')?.textContent === 'The Mailwizz connection was saved.', 8000, 'saved again');
    await until(() => !$<HTMLButtonElement>(el, '[data-test]').disabled, 8000, 'test button enabled');
    $<HTMLButtonElement>(el, '[data-test]').click();
    await until(() => /^Mailwizz answered: Connected/.test($(el, '[part="message"]')?.textContent ?? ''), 8000, 'test ok');

    await until(() => Boolean($(el, '[data-field="segmentId"]')), 8000, 'segment select');
    const select = $<HTMLSelectElement>(el, '[data-field="segmentId"]');
    select.value = segment.id;
    select.dispatchEvent(new Event('change', { bubbles: true }));
    select.dispatchEvent(new Event('input', { bubbles: true }));
    $<HTMLButtonElement>(el, '[data-push]').click();
    await until(() => Boolean($(el, `[data-sync="${segment.id}"]`)), 8000, 'sync row');
    expect($(el, `[data-sync="${segment.id}"] th`).textContent).to.equal('Newsletter readers');
    expect((await own.client.mailwizz.getSync(segment.id)).segmentId).to.equal(segment.id);
    await expectAccessible(el);
  });

  it('should speak German, fit 390 and 1280 px in dark mode, and show an error state when the API is down', async () => {
    const own = await liveApi();
    for (const width of [390, 1280]) {
      await setViewport({ width, height: 800 });
      const el = await mount(own.client, own.user, 'de', 'dark');
      expect($(el, '#connection-heading').textContent).to.equal('Mailwizz-Verbindung');
      expect($(el, '[part="connection"] button[type="submit"]').textContent).to.equal('Speichern');
      expectFitsLayout(el);
      await expectAccessible(el);
    }
    const broken = await mount(failingMailwizzClient, own.user);
    expect($(broken, 'crm-state[kind="error"]')).to.not.equal(null);
  });
});
