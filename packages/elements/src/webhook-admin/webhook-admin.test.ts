import { sendKeys, setViewport } from '@web/test-runner-commands';
import { expect, fixture, html } from '@open-wc/testing';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { createMemoryWebhooks } from '../test/memory-webhooks.js';
import { expectFitsLayout } from '../test/viewport.js';
import type { CrmDataClient } from '../shared/api/transport.js';
import type { CrmWebhookAdmin } from './webhook-admin.component.js';
import './webhook-admin.js';

const $ = <T extends Element = HTMLElement>(admin: CrmWebhookAdmin, selector: string) => admin.shadowRoot!.querySelector(selector) as T;
const text = (el: Element | null) => el?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

async function mount(client: CrmDataClient | LiveApi['client'], locale = 'en') {
  const provider = await fixture(html`<crm-provider .client=${client} .user=${{ id: '1', name: 'Admin', email: 'a@example.test' }} locale=${locale}><crm-webhook-admin></crm-webhook-admin></crm-provider>`);
  const admin = provider.querySelector('crm-webhook-admin')!;
  await until(() => Boolean(admin.shadowRoot!.querySelector('form')), 8000, 'the form');
  return admin;
}

describe('crm-webhook-admin', () => {
  let api: LiveApi;

  before(async () => {
    api = await liveApi();
  });
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
  });

  it('should subscribe a URL by keyboard, show the secret once, and never show it again after a reload', async () => {
    const admin = await mount(api.client);
    expect($(admin, 'crm-state')?.getAttribute('kind')).to.equal('empty');
    // The API refuses a private target (SSRF), naming the field.
    const url = $<HTMLInputElement>(admin, '[data-field="url"]');
    url.focus();
    await sendKeys({ type: 'http://10.0.0.7/hook' });
    $<HTMLInputElement>(admin, '[data-kind="opportunity"]').click();
    $<HTMLButtonElement>(admin, '[data-create]').click();
    await until(() => Boolean($(admin, '#e-url')), 6000, 'url error');
    expect(url.getAttribute('aria-invalid')).to.equal('true');

    url.value = 'https://93.184.216.34/crm-events';
    $<HTMLInputElement>(admin, '[data-action="won"]').click();
    $<HTMLButtonElement>(admin, '[data-create]').focus();
    await sendKeys({ press: 'Enter' });
    await until(() => Boolean($(admin, '[data-secret]')), 6000, 'the secret');
    const secret = text($(admin, '[data-secret]'));
    expect(secret).to.match(/^whsec_/);
    expect(admin.shadowRoot!.activeElement?.hasAttribute('data-copy')).to.equal(true, 'focus moves to the copy button');
    expect(text($(admin, 'caption'))).to.equal('1 webhook subscription');
    await expectAccessible(admin);

    const [stored] = (await api.client.webhooks.list()).data;
    expect(stored!.kinds).to.deep.equal(['opportunity']);
    expect(stored!.actions).to.deep.equal(['won']);
    expect(JSON.stringify(stored)).to.not.contain(secret);

    // Pause and resume, then rotate: a new secret, shown once again.
    $<HTMLButtonElement>(admin, '[data-toggle]').click();
    await until(() => $(admin, '[data-status]')?.getAttribute('data-status') === 'paused', 4000, 'paused');
    expect((await api.client.webhooks.get(stored!.id)).active).to.equal(false);
    $<HTMLButtonElement>(admin, '[data-toggle]').click();
    await until(() => $(admin, '[data-status]')?.getAttribute('data-status') === 'active', 4000, 'active again');
    $<HTMLButtonElement>(admin, '[data-rotate]').click();
    await until(() => text($(admin, '[data-secret]')) !== secret, 4000, 'the rotated secret');
    expect(text($(admin, '[data-secret]'))).to.match(/^whsec_/);
    $<HTMLButtonElement>(admin, '[data-dismiss]').click();
    await until(() => !$(admin, '[data-secret-box]'), 4000, 'the secret gone');

    const reloaded = await mount(api.client);
    expect(reloaded.shadowRoot!.innerHTML).to.not.contain('whsec_');
    $<HTMLButtonElement>(reloaded, '[data-log]').click();
    await until(() => Boolean($(reloaded, '[data-log-empty]')), 4000, 'the empty log');
    expect(reloaded.shadowRoot!.activeElement?.hasAttribute('data-log-heading')).to.equal(true);
  });

  it('should show the delivery log with states and replay a delivery (in-memory API)', async () => {
    const memory = createMemoryWebhooks();
    const admin = await mount(memory.client);
    expect(text($(admin, '[data-status="disabled"]'))).to.equal('Turned off after failures');
    $<HTMLButtonElement>(admin, '[data-log]').click();
    await until(() => Boolean($(admin, '[data-delivery]')), 4000, 'deliveries');
    expect(text($(admin, '.log caption'))).to.equal('2 deliveries');
    expect(text($(admin, '[data-state="failed"]'))).to.equal('Failed');
    const replay = admin.shadowRoot!.querySelectorAll<HTMLButtonElement>('[data-replay]')[1]!;
    replay.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => admin.shadowRoot!.querySelectorAll('[data-delivery]').length === 3, 4000, 'the replay listed');
    expect(text($(admin, '[role="status"]'))).to.equal('opportunity.won queued again (same event id).');
    await expectAccessible(admin);
  });

  it('should speak German with plurals and fit 390 and 1280 px', async () => {
    const admin = await mount(createMemoryWebhooks().client, 'de');
    expect(text($(admin, 'caption'))).to.equal('2 Webhook-Abonnements');
    expect(text($(admin, '[data-status="active"]'))).to.equal('Aktiv');
    for (const width of [390, 1280]) {
      await setViewport({ width, height: 800 });
      await expectFitsLayout(admin);
    }
    await expectAccessible(admin);
  });
});
