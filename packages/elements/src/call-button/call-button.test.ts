import { sendKeys, setViewport } from '@web/test-runner-commands';
import { expect, fixture, html } from '@open-wc/testing';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until } from '../test/live-api.js';
import { createMemoryVoip } from '../test/memory-voip.js';
import { expectFitsLayout } from '../test/viewport.js';
import type { CrmCallButton } from './call-button.component.js';
import './call-button.js';

async function mount(client: unknown, user: unknown, subjectId: string, options: { locale?: string; theme?: string; type?: string } = {}): Promise<CrmCallButton> {
  const provider = await fixture(html`<crm-provider .client=${client} .user=${user} locale=${options.locale ?? 'en'} theme=${options.theme ?? 'light'}><crm-call-button subject-type=${options.type ?? 'contact'} subject-id=${subjectId}></crm-call-button></crm-provider>`);
  const el = provider.querySelector('crm-call-button')!;
  await el.updateComplete;
  return el;
}
const $ = <T extends Element = HTMLElement>(el: CrmCallButton, selector: string) => el.shadowRoot!.querySelector(selector) as T;
const status = (el: CrmCallButton) => $(el, '[part="status"]').textContent ?? '';

describe('crm-call-button', () => {
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
  });

  it("should dial the contact's number on the phone (the stand-in) by keyboard, and say so", async () => {
    const own = await liveApi();
    const phone = (await (await fetch('/__crm-e2e/yealink')).json()) as { host: string; username: string; password: string };
    const contact = await own.client.contacts.create({ firstName: 'Anna', lastName: 'Muster', phones: [{ label: 'work', value: '+49 30 9876 5432', primary: true }] });
    const el = await mount(own.client, own.user, contact.id);
    await expectAccessible(el);

    // No phone saved yet: the button says what to do.
    $<HTMLButtonElement>(el, 'button').focus();
    await sendKeys({ press: 'Enter' });
    await until(() => status(el) === 'Set up your phone first (VOIP settings).', 8000, 'no phone message');

    await own.client.voip.savePhone({ host: phone.host, https: false, username: phone.username, password: phone.password, extension: '1006', outgoingUri: '' });
    let placed: unknown = null;
    el.addEventListener('crm-call-placed', (e) => (placed = e.detail.call));
    $<HTMLButtonElement>(el, 'button').focus();
    await sendKeys({ press: 'Enter' });
    await until(() => status(el) === 'Your phone is calling +493098765432.', 8000, 'calling message');
    expect(placed).to.include({ remote: '+493098765432', source: 'click-to-call' });
    const after = (await (await fetch('/__crm-e2e/yealink')).json()) as { dialled: { number: string }[] };
    expect(after.dialled.map((d) => d.number)).to.include('+493098765432');
    await expectAccessible(el);
  });

  it('should let the host veto the call, speak German, and fit 390 and 1280 px in dark mode', async () => {
    const memory = createMemoryVoip();
    for (const width of [390, 1280]) {
      await setViewport({ width, height: 800 });
      const el = await mount(memory.client, { id: '1', name: 'Rep', email: 'rep@example.test' }, '000000000000000000000100', { locale: 'de', theme: 'dark', type: 'lead' });
      expect($(el, 'button').textContent).to.equal('Anrufen');
      el.addEventListener('crm-request-call', (e) => e.preventDefault(), { once: true });
      $<HTMLButtonElement>(el, 'button').click();
      await el.updateComplete;
      expect(memory.placed.length).to.equal(0, 'a vetoed call is not placed');
      $<HTMLButtonElement>(el, 'button').click();
      await until(() => status(el).startsWith('Ihr Telefon ruft'), 8000, 'German calling message');
      expectFitsLayout(el);
      await expectAccessible(el);
      memory.placed.length = 0;
    }
  });
});
