import { sendKeys, setViewport } from '@web/test-runner-commands';
import { expect, fixture, html } from '@open-wc/testing';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until } from '../test/live-api.js';
import { failingVoipClient } from '../test/memory-voip.js';
import { expectFitsLayout } from '../test/viewport.js';
import type { CrmVoipSettings } from './voip-settings.component.js';
import './voip-settings.js';

async function mount(client: unknown, user: unknown, locale = 'en', theme = 'light'): Promise<CrmVoipSettings> {
  const provider = await fixture(html`<crm-provider .client=${client} .user=${user} locale=${locale} theme=${theme}><crm-voip-settings></crm-voip-settings></crm-provider>`);
  const el = provider.querySelector('crm-voip-settings')!;
  await until(() => Boolean(el.shadowRoot!.querySelector('[part="phone"], crm-state[kind="error"]')), 8000, 'phone form');
  return el;
}
const $ = <T extends Element = HTMLElement>(el: CrmVoipSettings, selector: string) => el.shadowRoot!.querySelector(selector) as T;
async function type(el: CrmVoipSettings, field: string, text: string): Promise<void> {
  const input = $<HTMLInputElement>(el, `[data-field="${field}"]`);
  input.focus();
  input.select();
  await sendKeys({ type: text });
}

describe('crm-voip-settings', () => {
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
  });

  it('should save the phone by keyboard, never show the password, list the action URLs and import a call log onto the timeline', async () => {
    const own = await liveApi();
    const phone = (await (await fetch('/__crm-e2e/yealink')).json()) as { host: string; username: string; password: string };
    const lead = await own.client.leads.create({ title: 'Phone sale', firstName: 'Lars', lastName: 'Lead', phones: [{ label: 'mobile', value: '+44 7700 900456', primary: true }] } as never);
    const el = await mount(own.client, own.user);
    expect($(el, '#phone-heading').textContent).to.equal('Your Yealink phone');
    await expectAccessible(el);

    await type(el, 'host', phone.host);
    await type(el, 'username', phone.username);
    await sendKeys({ press: 'Enter' });
    await until(() => $(el, '[data-field="password"]')?.getAttribute('aria-invalid') === 'true', 8000, 'password required');

    await type(el, 'password', phone.password);
    await type(el, 'extension', '1006');
    await sendKeys({ press: 'Enter' });
    await until(() => $(el, '[part="message"]')?.textContent === 'Your phone was saved.', 8000, 'saved');
    await until(() => Boolean($(el, '[data-action-url="call_terminated"]')), 8000, 'action URLs');
    expect($(el, '[data-action-url="call_terminated"]').textContent).to.match(/\/v1\/voip\/events\/.+event=call_terminated&call_id=\$call_id/);
    expect($<HTMLInputElement>(el, '[data-field="password"]').value).to.equal('');
    expect(el.shadowRoot!.innerHTML).to.not.include(phone.password);

    const csv = 'callid,timestart,callfrom,callto,talkduraction,status,type\ne2e-1,2026-12-01 09:30:00,1006,+447700900456,125,ANSWERED,Outbound\n';
    const input = $<HTMLInputElement>(el, '[data-field="csv"]');
    const files = new DataTransfer();
    files.items.add(new File([csv], 'calls.csv', { type: 'text/csv' }));
    input.files = files.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await until(() => /^1 calls imported/.test($(el, '[part="message"]')?.textContent ?? ''), 8000, 'imported');
    await until(() => Boolean($(el, '[data-call]')), 8000, 'call row');
    const timeline = await own.client.timeline.list('lead', lead.id);
    expect(timeline.data.some((item) => item.kind === 'activity' && item.data.type === 'call' && item.data.durationMinutes === 3)).to.equal(true);
    await expectAccessible(el);
  });

  it('should speak German, fit 390 and 1280 px in dark mode, and show an error state when the API is down', async () => {
    const own = await liveApi();
    for (const width of [390, 1280]) {
      await setViewport({ width, height: 800 });
      const el = await mount(own.client, own.user, 'de', 'dark');
      expect($(el, '#phone-heading').textContent).to.equal('Ihr Yealink-Telefon');
      expect($(el, '[part="phone"] button[type="submit"]').textContent).to.equal('Speichern');
      expectFitsLayout(el);
      await expectAccessible(el);
    }
    const broken = await mount(failingVoipClient, own.user);
    expect($(broken, 'crm-state[kind="error"]')).to.not.equal(null);
  });
});
