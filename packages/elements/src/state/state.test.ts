import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { loadSecondCopy } from '../test/second-bundle.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
import { CrmState } from './state.component.js';
import './state.js';

describe('crm-state', () => {
  it('should announce loading politely with a localized message', async () => {
    const el = await fixture<CrmState>(html`<crm-state kind="loading"></crm-state>`);
    const base = el.shadowRoot!.querySelector('[part="base"]')!;
    expect(base.getAttribute('role')).to.equal('status');
    expect(el.shadowRoot!.querySelector('[part="message"]')!.textContent).to.equal('Loading…');
    expect(el.shadowRoot!.querySelector('[part="spinner"]')).not.to.equal(null);
    await expectAccessible(el);
  });

  it('should show an empty message and slotted actions', async () => {
    const el = await fixture<CrmState>(html`<crm-state kind="empty"><a href="#new">Add a contact</a></crm-state>`);
    expect(el.shadowRoot!.querySelector('[part="base"]')!.hasAttribute('role')).to.equal(false);
    expect(el.shadowRoot!.querySelector('[part="message"]')!.textContent).to.equal('Nothing here yet.');
    await expectAccessible(el);
  });

  it('should alert on error and offer a retry button unless no-retry is set', async () => {
    const el = await fixture<CrmState>(html`<crm-state kind="error" message="The API is unavailable."></crm-state>`);
    expect(el.shadowRoot!.querySelector('[part="base"]')!.getAttribute('role')).to.equal('alert');
    expect(el.shadowRoot!.querySelector('[part="message"]')!.textContent).to.equal('The API is unavailable.');
    expect(el.shadowRoot!.querySelector('[part="retry-button"]')).not.to.equal(null);
    await expectAccessible(el);

    el.noRetry = true;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="retry-button"]')).to.equal(null);
  });

  it('should fire a bubbling, composed crm-retry-requested when the user retries with the keyboard', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div><crm-state kind="error"></crm-state></div>`);
    const el = wrapper.querySelector('crm-state')!;
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="retry-button"]')!.focus();
    const retried = oneEvent(wrapper, 'crm-retry-requested');
    await sendKeys({ press: 'Enter' });
    const event = await retried;
    expect(event.bubbles).to.equal(true);
    expect(event.composed).to.equal(true);
  });

  it('should speak German under a provider with locale="de"', async () => {
    const provider = await fixture(html`<crm-provider locale="de"><crm-state kind="error"></crm-state></crm-provider>`);
    const el = provider.querySelector('crm-state')!;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="message"]')!.textContent).to.equal('Etwas ist schiefgelaufen.');
    expect(el.shadowRoot!.querySelector('[part="retry-button"]')!.textContent).to.equal('Erneut versuchen');
  });

  it('should keep the first definition when a second bundle defines crm-state again, and still work', async () => {
    const copy = (await loadSecondCopy<{ CrmState: typeof CrmState }>(new URL('./state.component.ts', import.meta.url))).CrmState;
    expect(copy, 'a second bundle carries its own class').not.to.equal(CrmState);
    expect(() => copy.define('crm-state')).not.to.throw();
    expect(() => CrmState.define('crm-state')).not.to.throw();
    expect(customElements.get('crm-state')).to.equal(CrmState);
    const el = await fixture<CrmState>(html`<crm-state kind="error" message="The CRM could not be reached."></crm-state>`);
    expect(el).to.be.instanceOf(CrmState);
    expect(el.shadowRoot!.querySelector('[part="message"]')!.textContent).to.equal('The CRM could not be reached.');
    const retry = oneEvent(el, 'crm-retry-requested');
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="retry-button"]')!.click();
    expect((await retry).type).to.equal('crm-retry-requested');
  });

  describe('at 390 and 1280 px, light and dark', () => {
    afterEach(resetViewport);
    for (const width of [phoneWidth, deskWidth]) {
      for (const theme of ['light', 'dark']) {
        it(`should fit ${width} px with 44 px targets and be axe-clean in the ${theme} theme`, async () => {
          await useViewport(width);
          const provider = await fixture(html`<crm-provider theme=${theme}><crm-state kind="error" message="The CRM could not be reached."></crm-state><crm-state kind="empty"></crm-state></crm-provider>`);
          expectFitsLayout(provider as HTMLElement);
          await expectAccessible(provider);
        });
      }
    }
  });
});
