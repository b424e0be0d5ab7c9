import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { expectAccessible } from '../test/axe.js';
import { loadSecondCopy } from '../test/second-bundle.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
import { makeClient, makeUser } from '../test/context-probe.js';
import '../test/context-probe.js';
import { CrmProvider } from './provider.component.js';
import './provider.js';

/** Resolves once `check` holds, or fails after `timeoutMs`; no fixed sleeps. */
async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
}

function sysToken(el: Element, name: string): string {
  return getComputedStyle(el).getPropertyValue(`--crm-sys-${name}`).trim();
}

describe('crm-provider', () => {
  afterEach(() => {
    CrmProvider.clientFactory = undefined;
  });

  it('should deliver client, user, locale and time zone to a nested consumer', async () => {
    const { client } = makeClient();
    const user = makeUser();
    const provider = await fixture<CrmProvider>(html`
      <crm-provider .client=${client} .user=${user} locale="de-AT" time-zone="Europe/Vienna">
        <section><crm-context-probe></crm-context-probe></section>
      </crm-provider>
    `);
    const probe = provider.querySelector('crm-context-probe')!;
    expect(probe.client).to.equal(client);
    expect(probe.user).to.equal(user);
    expect(probe.locale).to.equal('de-AT');
    expect(probe.timeZone).to.equal('Europe/Vienna');
    await probe.updateComplete;
    expect(probe.shadowRoot!.textContent).to.contain('Wird geladen…');
  });

  it('should update consumers when the host changes locale or user', async () => {
    const provider = await fixture<CrmProvider>(html`<crm-provider locale="en"><crm-context-probe></crm-context-probe></crm-provider>`);
    const probe = provider.querySelector('crm-context-probe')!;
    provider.locale = 'de';
    provider.user = makeUser({ name: 'Grace' });
    await provider.updateComplete;
    await probe.updateComplete;
    expect(probe.locale).to.equal('de');
    expect(probe.user?.name).to.equal('Grace');
    expect(probe.shadowRoot!.textContent).to.contain('Wird geladen…');
  });

  it("should default to the signed-in user's locale and time zone", async () => {
    const provider = await fixture<CrmProvider>(html`<crm-provider .user=${makeUser({ locale: 'de', timeZone: 'Europe/Berlin' })}>
      <crm-context-probe></crm-context-probe>
    </crm-provider>`);
    const probe = provider.querySelector('crm-context-probe')!;
    expect(probe.locale).to.equal('de');
    expect(probe.timeZone).to.equal('Europe/Berlin');
  });

  it('should let an inner provider override locale while inheriting the rest', async () => {
    const provider = await fixture<CrmProvider>(html`
      <crm-provider locale="de" time-zone="Europe/Berlin">
        <crm-provider locale="en"><crm-context-probe></crm-context-probe></crm-provider>
      </crm-provider>
    `);
    const probe = provider.querySelector('crm-context-probe')!;
    await (provider.querySelector('crm-provider') as CrmProvider).updateComplete;
    expect(probe.locale).to.equal('en');
    expect(probe.timeZone).to.equal('Europe/Berlin');
  });

  it('should declare light tokens by default and dark ones with theme="dark"', async () => {
    const provider = await fixture<CrmProvider>(html`<crm-provider theme="light"><p>content</p></crm-provider>`);
    const paragraph = provider.querySelector('p')!;
    expect(sysToken(paragraph, 'color-surface')).to.equal('#ffffff');
    provider.theme = 'dark';
    await provider.updateComplete;
    expect(sysToken(paragraph, 'color-surface')).to.equal('#1a1b21');
    expect(getComputedStyle(provider).colorScheme).to.equal('dark');
  });

  it('should build its client from base-url and publishable-key through the client factory', async () => {
    const { client } = makeClient();
    const seen: unknown[] = [];
    CrmProvider.clientFactory = (options) => {
      seen.push(options);
      return client;
    };
    const provider = await fixture<CrmProvider>(html`<crm-provider base-url="https://crm.test" publishable-key="pk_test">
      <crm-context-probe></crm-context-probe>
    </crm-provider>`);
    expect(seen).to.deep.equal([{ baseUrl: 'https://crm.test', publishableKey: 'pk_test' }]);
    expect(provider.querySelector('crm-context-probe')!.client).to.equal(client);
    expect(provider.shadowRoot!.querySelector('form')).to.equal(null);
  });

  it('should explain, not go blank, when base-url is set but no client can be built', async () => {
    const provider = await fixture<CrmProvider>(html`<crm-provider base-url="https://crm.test"><p>hidden</p></crm-provider>`);
    const state = provider.shadowRoot!.querySelector('crm-state')!;
    expect(state.kind).to.equal('error');
    expect(state.message).to.contain('Not connected');
    await expectAccessible(provider);
  });

  it('should sign in from its own form, by keyboard, and then show its content', async () => {
    const { client, calls } = makeClient();
    CrmProvider.clientFactory = () => client;
    const provider = await fixture<CrmProvider>(html`<crm-provider base-url="https://crm.test">
      <crm-context-probe></crm-context-probe>
    </crm-provider>`);
    const form = provider.shadowRoot!.querySelector('form')!;
    expect(form).not.to.equal(null);
    expect(provider.shadowRoot!.querySelector('slot')).to.equal(null);
    await expectAccessible(provider);

    const request = oneEvent(provider, 'crm-sign-in-requested');
    const signedIn = oneEvent(provider, 'crm-user-signed-in');
    form.querySelector('crm-text-field')!.focus();
    await sendKeys({ type: 'ada@example.com' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: 'correct horse' });
    await sendKeys({ press: 'Enter' });

    expect((await request).detail).to.deep.equal({ email: 'ada@example.com' });
    expect((await signedIn).detail.user.name).to.equal('Ada Lovelace');
    expect(calls).to.deep.equal([{ email: 'ada@example.com', password: 'correct horse' }]);
    await provider.updateComplete;
    expect(provider.shadowRoot!.querySelector('slot')).not.to.equal(null);
    expect(provider.querySelector('crm-context-probe')!.user?.email).to.equal('ada@example.com');
  });

  it('should not call login when the host vetoes crm-sign-in-requested', async () => {
    const { client, calls } = makeClient();
    const provider = await fixture<CrmProvider>(html`<crm-provider base-url="https://crm.test" .client=${client}></crm-provider>`);
    provider.addEventListener('crm-sign-in-requested', (event) => event.preventDefault());
    const [email, password] = provider.shadowRoot!.querySelectorAll('crm-text-field');
    email!.value = 'ada@example.com';
    password!.value = 'secret';
    await password!.updateComplete;
    provider.shadowRoot!.querySelector('form')!.requestSubmit();
    await provider.updateComplete;
    expect(calls).to.have.length(0);
  });

  it('should show required errors instead of submitting an empty form', async () => {
    const { client, calls } = makeClient();
    const provider = await fixture<CrmProvider>(html`<crm-provider base-url="https://crm.test" .client=${client}></crm-provider>`);
    provider.shadowRoot!.querySelector<HTMLButtonElement>('[part="sign-in-button"]')!.click();
    const email = provider.shadowRoot!.querySelector('crm-text-field')!;
    await email.updateComplete;
    expect(calls).to.have.length(0);
    expect(email.shadowRoot!.querySelector('[part="error-message"]')!.textContent).to.equal('Please fill in Email.');
  });

  it('should alert in German when sign-in fails under locale="de"', async () => {
    const { client } = makeClient({ failure: new Error('401') });
    const provider = await fixture<CrmProvider>(html`<crm-provider base-url="https://crm.test" locale="de" .client=${client}></crm-provider>`);
    expect(provider.shadowRoot!.querySelector('h2')!.textContent).to.equal('Anmelden');
    const [email, password] = provider.shadowRoot!.querySelectorAll('crm-text-field');
    email!.value = 'ada@example.com';
    password!.value = 'wrong';
    await password!.updateComplete;
    const failed = oneEvent(provider, 'crm-sign-in-failed');
    provider.shadowRoot!.querySelector('form')!.requestSubmit();
    expect(((await failed).detail.error as Error).message).to.equal('401');
    const alert = provider.shadowRoot!.querySelector('[part="sign-in-error"]')!;
    await until(() => Boolean(alert.textContent));
    expect(alert.getAttribute('role')).to.equal('alert');
    expect(alert.textContent).to.contain('Anmeldung fehlgeschlagen');
    await expectAccessible(provider);
  });

  it('should take the user from a client that is signed in already', async () => {
    const { client } = makeClient({ user: makeUser({ name: 'Grace Hopper' }) });
    await client.session!.login({ email: 'grace@example.com', password: 'x' });
    const provider = await fixture<CrmProvider>(html`<crm-provider base-url="https://crm.test" .client=${client}>
      <crm-context-probe></crm-context-probe>
    </crm-provider>`);
    expect(provider.shadowRoot!.querySelector('form')).to.equal(null);
    expect(provider.querySelector('crm-context-probe')!.user?.name).to.equal('Grace Hopper');
  });

  it('should explain a failed sign-in with a client that has no session', async () => {
    const provider = await fixture<CrmProvider>(html`<crm-provider base-url="https://crm.test" .client=${{}}></crm-provider>`);
    const [email, password] = provider.shadowRoot!.querySelectorAll('crm-text-field');
    email!.value = 'ada@example.com';
    password!.value = 'secret';
    await password!.updateComplete;
    const failed = oneEvent(provider, 'crm-sign-in-failed');
    provider.shadowRoot!.querySelector('form')!.requestSubmit();
    expect(((await failed).detail.error as Error).message).to.contain('no session');
  });

  it('should keep the first definition when a second bundle defines crm-provider again, and still provide', async () => {
    const copy = (await loadSecondCopy<{ CrmProvider: typeof CrmProvider }>(new URL('./provider.component.ts', import.meta.url))).CrmProvider;
    expect(copy, 'a second bundle carries its own class').not.to.equal(CrmProvider);
    expect(() => copy.define('crm-provider')).not.to.throw();
    expect(() => CrmProvider.define('crm-provider')).not.to.throw();
    expect(customElements.get('crm-provider')).to.equal(CrmProvider);
    const { client } = makeClient();
    const user = makeUser();
    const provider = await fixture<CrmProvider>(html`<crm-provider .client=${client} .user=${user} locale="de"><crm-context-probe></crm-context-probe></crm-provider>`);
    expect(provider).to.be.instanceOf(CrmProvider);
    const probe = provider.querySelector('crm-context-probe')!;
    expect(probe.client).to.equal(client);
    expect(probe.user).to.equal(user);
    expect(probe.locale).to.equal('de');
  });

  describe('at 390 and 1280 px, light and dark', () => {
    afterEach(resetViewport);
    for (const width of [phoneWidth, deskWidth]) {
      for (const theme of ['light', 'dark']) {
        it(`should fit ${width} px with 44 px targets and be axe-clean in the ${theme} theme`, async () => {
          await useViewport(width);
          const { client } = makeClient();
          CrmProvider.clientFactory = () => client;
          const provider = await fixture<CrmProvider>(html`<crm-provider base-url="https://crm.test" theme=${theme}><crm-context-probe></crm-context-probe></crm-provider>`);
          expect(provider.shadowRoot!.querySelector('form')).not.to.equal(null);
          expectFitsLayout(provider);
          await expectAccessible(provider);
        });
      }
    }
  });
});
