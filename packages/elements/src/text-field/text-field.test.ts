import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { CrmFieldInputEvent } from '../events/field-events.js';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { loadSecondCopy } from '../test/second-bundle.js';
import { until } from '../test/live-api.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
import { CrmTextField } from './text-field.component.js';
import './text-field.js';

function inner(el: CrmTextField): HTMLInputElement {
  return el.shadowRoot!.querySelector('input')!;
}

function errorText(el: CrmTextField): string {
  return el.shadowRoot!.querySelector('[part="error-message"]')!.textContent ?? '';
}

describe('crm-text-field', () => {
  it('should render a labelled input with its hint tied by aria-describedby', async () => {
    const el = await fixture<CrmTextField>(
      html`<crm-text-field label="Email" hint="We never share it." name="email" type="email"></crm-text-field>`,
    );
    const input = inner(el);
    expect(el.shadowRoot!.querySelector('label')!.htmlFor).to.equal(input.id);
    expect(input.type).to.equal('email');
    expect(input.getAttribute('aria-describedby')).to.equal('hint');
    expect(input.getAttribute('aria-invalid')).to.equal('false');
    await expectAccessible(el);
  });

  it('should fire bubbling, composed crm-field-input events only for what the user types', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div><crm-text-field label="Name" name="name"></crm-text-field></div>`);
    const el = wrapper.querySelector('crm-text-field')!;
    const seen: CrmFieldInputEvent[] = [];
    wrapper.addEventListener('crm-field-input', (event) => seen.push(event));

    el.value = 'set by the host';
    await el.updateComplete;
    expect(seen).to.have.length(0);
    expect(inner(el).value).to.equal('set by the host');

    el.value = '';
    await el.updateComplete;
    el.focus();
    await sendKeys({ type: 'Ada' });
    expect(seen.map((event) => event.detail.value)).to.deep.equal(['A', 'Ad', 'Ada']);
    expect(seen[0]!.bubbles && seen[0]!.composed).to.equal(true);
    expect(seen[0]!.detail.name).to.equal('name');
    expect(el.value).to.equal('Ada');
  });

  it('should fire crm-field-change when the user leaves an edited field', async () => {
    const el = await fixture<CrmTextField>(html`<crm-text-field label="City"></crm-text-field>`);
    el.focus();
    await sendKeys({ type: 'Berlin' });
    const changed = oneEvent(el, 'crm-field-change');
    inner(el).blur();
    expect((await changed).detail.value).to.equal('Berlin');
  });

  it('should be reachable with Tab and show a required error after the user leaves it empty', async () => {
    const wrapper = await fixture<HTMLDivElement>(
      html`<div><button>before</button><crm-text-field label="Email" required></crm-text-field><button>after</button></div>`,
    );
    const el = wrapper.querySelector('crm-text-field')!;
    wrapper.querySelector('button')!.focus();
    await sendKeys({ press: 'Tab' });
    expect(el.shadowRoot!.activeElement).to.equal(inner(el));
    expect(errorText(el)).to.equal('');

    await sendKeys({ press: 'Tab' });
    await el.updateComplete;
    expect(errorText(el)).to.equal('Please fill in Email.');
    expect(inner(el).getAttribute('aria-invalid')).to.equal('true');
    expect(inner(el).getAttribute('aria-describedby')).to.equal('error-message');
    expect(el.validity.valueMissing).to.equal(true);
    await expectAccessible(el);
  });

  it('should show a host-supplied error at once and mark the field invalid', async () => {
    const el = await fixture<CrmTextField>(
      html`<crm-text-field label="Email" hint="Work address" error="This email is already taken."></crm-text-field>`,
    );
    expect(errorText(el)).to.equal('This email is already taken.');
    expect(inner(el).getAttribute('aria-describedby')).to.equal('hint error-message');
    expect(el.checkValidity()).to.equal(false);
    await expectAccessible(el);
  });

  it('should report a malformed email as invalid', async () => {
    const el = await fixture<CrmTextField>(html`<crm-text-field label="Email" type="email"></crm-text-field>`);
    el.focus();
    await sendKeys({ type: 'not-an-email' });
    inner(el).blur();
    await el.updateComplete;
    expect(el.validity.typeMismatch).to.equal(true);
    expect(errorText(el)).to.equal('Email is not valid.');
  });

  it('should take part in its form: data, reset, and Enter submits', async () => {
    const form = await fixture<HTMLFormElement>(
      html`<form><crm-text-field label="Name" name="name" value="Grace"></crm-text-field></form>`,
    );
    const el = form.querySelector('crm-text-field')!;
    expect(new FormData(form).get('name')).to.equal('Grace');

    el.focus();
    await sendKeys({ press: 'End' });
    await sendKeys({ type: ' Hopper' });
    expect(new FormData(form).get('name')).to.equal('Grace Hopper');

    let submitted = false;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      submitted = true;
    });
    await sendKeys({ press: 'Enter' });
    expect(submitted).to.equal(true);

    form.reset();
    await el.updateComplete;
    expect(el.value).to.equal('Grace');
  });

  it('should block form submission while required and empty', async () => {
    const form = await fixture<HTMLFormElement>(html`<form><crm-text-field label="Name" name="name" required></crm-text-field></form>`);
    expect(form.checkValidity()).to.equal(false);
    const el = form.querySelector('crm-text-field')!;
    el.value = 'Ada';
    await el.updateComplete;
    expect(form.checkValidity()).to.equal(true);
  });

  it('should word its messages in German under a provider with locale="de"', async () => {
    const provider = await fixture(html`<crm-provider locale="de"><crm-text-field label="E-Mail" required></crm-text-field></crm-provider>`);
    const el = provider.querySelector('crm-text-field')!;
    el.reportValidity();
    await el.updateComplete;
    expect(errorText(el)).to.equal('Bitte E-Mail ausfüllen.');
  });

  it('should keep the first definition when a second bundle defines crm-text-field again, and still work', async () => {
    const copy = (await loadSecondCopy<{ CrmTextField: typeof CrmTextField }>(new URL('./text-field.component.ts', import.meta.url))).CrmTextField;
    expect(copy, 'a second bundle carries its own class').not.to.equal(CrmTextField);
    expect(() => copy.define('crm-text-field')).not.to.throw();
    expect(() => CrmTextField.define('crm-text-field')).not.to.throw();
    expect(customElements.get('crm-text-field')).to.equal(CrmTextField);
    const el = await fixture<CrmTextField>(html`<crm-text-field label="City" name="city" required></crm-text-field>`);
    expect(el).to.be.instanceOf(CrmTextField);
    el.focus();
    await sendKeys({ type: 'Berlin' });
    expect(el.value).to.equal('Berlin');
    el.value = '';
    el.reportValidity();
    await el.updateComplete;
    expect(errorText(el)).to.equal('Please fill in City.');
  });

  describe('at 390 and 1280 px, light and dark', () => {
    afterEach(resetViewport);
    for (const width of [phoneWidth, deskWidth]) {
      for (const theme of ['light', 'dark']) {
        it(`should fit ${width} px with 44 px targets and be axe-clean in the ${theme} theme`, async () => {
          await useViewport(width);
          const provider = await fixture(html`<crm-provider theme=${theme} locale="de"><form>
            <crm-text-field name="email" type="email" label="E-Mail" hint="Geschäftlich" required error="Das ist keine E-Mail-Adresse."></crm-text-field>
            <crm-text-field name="due" type="datetime-local" label="Fällig"></crm-text-field>
            <crm-text-field name="close" type="date" label="Abschluss" value="2027-03-31"></crm-text-field>
          </form></crm-provider>`);
          expectFitsLayout(provider as HTMLElement);
          await expectAccessible(provider);
        });
      }
    }
  });

  describe('type="date" in the reader\'s locale', () => {
    const shown = (el: CrmTextField) => inner(el).value;
    const errorText = (el: CrmTextField) => el.shadowRoot!.querySelector('[part="error-message"]')!.textContent;

    it('should show a date as German writes it (31.03.2027) under locale="de", and as US English does under "en"', async () => {
      const provider = await fixture(html`<crm-provider locale="de"><crm-text-field type="date" label="Abschluss" value="2027-03-31"></crm-text-field></crm-provider>`);
      const de = provider.querySelector('crm-text-field')!;
      await de.updateComplete;
      expect(shown(de)).to.equal('31.03.2027');
      expect(inner(de).placeholder).to.equal('31.12.2026');
      provider.setAttribute('locale', 'en');
      await until(() => shown(de) === '03/31/2027');
      expect(de.value).to.equal('2027-03-31');
    });

    it('should read a typed German date into YYYY-MM-DD, fire crm-field-input with it and show it formatted after leaving', async () => {
      const provider = await fixture(html`<crm-provider locale="de"><form><crm-text-field type="date" name="close" label="Abschluss"></crm-text-field><button>OK</button></form></crm-provider>`);
      const el = provider.querySelector('crm-text-field')!;
      el.focus();
      const input = oneEvent(el, 'crm-field-input');
      await sendKeys({ type: '1.4.27' });
      await input;
      expect(el.value).to.equal('2027-04-01');
      expect(new FormData(provider.querySelector('form')!).get('close')).to.equal('2027-04-01');
      await sendKeys({ press: 'Tab' });
      await until(() => shown(el) === '01.04.2027');
      expect(el.checkValidity()).to.equal(true);
    });

    it('should say how to write a date that cannot be read, and be invalid', async () => {
      const provider = await fixture(html`<crm-provider locale="en"><crm-text-field type="date" label="Due"></crm-text-field></crm-provider>`);
      const el = provider.querySelector('crm-text-field')!;
      el.focus();
      await sendKeys({ type: '31.03.2027' });
      await sendKeys({ press: 'Tab' });
      await until(() => errorText(el) === 'Due: enter a date like 12/31/2026.');
      expect(el.checkValidity()).to.equal(false);
      expect(el.value).to.equal('');
      expect(shown(el)).to.equal('31.03.2027');
    });

    it('should offer the calendar on a labelled 44 px button', async () => {
      const provider = await fixture(html`<crm-provider locale="de"><crm-text-field type="date" label="Abschluss"></crm-text-field></crm-provider>`);
      const el = provider.querySelector('crm-text-field')!;
      await el.updateComplete;
      const button = el.shadowRoot!.querySelector<HTMLButtonElement>('[part="picker-button"]')!;
      expect(button.getAttribute('aria-label')).to.equal('Abschluss im Kalender wählen');
      expect(button.getBoundingClientRect().height).to.be.at.least(44);
      await expectAccessible(provider);
    });
  });
});
