import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { CrmFieldInputEvent } from '../events/field-events.js';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { loadSecondCopy } from '../test/second-bundle.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
import { CrmSelectField, type CrmSelectOption } from './select-field.component.js';
import './select-field.js';

const stages: CrmSelectOption[] = [
  { value: 'lead', label: 'Lead' },
  { value: 'qualified', label: 'Qualified' },
  { value: 'won', label: 'Won' },
];

function inner(el: CrmSelectField): HTMLSelectElement {
  return el.shadowRoot!.querySelector('select')!;
}

describe('crm-select-field', () => {
  it('should render a labelled native select with a placeholder and the options', async () => {
    const el = await fixture<CrmSelectField>(
      html`<crm-select-field label="Stage" hint="Where the deal stands" .options=${stages}></crm-select-field>`,
    );
    const select = inner(el);
    expect([...select.options].map((option) => option.textContent!.trim())).to.deep.equal([
      'Choose…',
      'Lead',
      'Qualified',
      'Won',
    ]);
    expect(select.getAttribute('aria-describedby')).to.equal('hint');
    await expectAccessible(el);
  });

  it('should show the value the host sets without firing events', async () => {
    const el = await fixture<CrmSelectField>(html`<crm-select-field label="Stage" .options=${stages} value="won"></crm-select-field>`);
    let fired = 0;
    el.addEventListener('crm-field-input', () => (fired += 1));
    expect(inner(el).value).to.equal('won');
    el.value = 'lead';
    await el.updateComplete;
    expect(inner(el).value).to.equal('lead');
    expect(fired).to.equal(0);
  });

  it('should fire bubbling, composed crm-field-input and crm-field-change when the user picks with the keyboard', async () => {
    const wrapper = await fixture<HTMLDivElement>(
      html`<div><crm-select-field label="Stage" name="stage" .options=${stages}></crm-select-field></div>`,
    );
    const el = wrapper.querySelector('crm-select-field')!;
    el.focus();
    expect(el.shadowRoot!.activeElement).to.equal(inner(el));
    const input = oneEvent(wrapper, 'crm-field-input') as Promise<CrmFieldInputEvent>;
    const change = oneEvent(wrapper, 'crm-field-change');
    await sendKeys({ press: 'ArrowDown' });
    const event = await input;
    expect(event.detail).to.deep.equal({ name: 'stage', value: 'lead' });
    expect(event.bubbles && event.composed).to.equal(true);
    expect((await change).detail.value).to.equal('lead');
    expect(el.value).to.equal('lead');
  });

  it('should be required until a choice is made, then submit it with its form', async () => {
    const form = await fixture<HTMLFormElement>(
      html`<form><crm-select-field label="Stage" name="stage" required .options=${stages}></crm-select-field></form>`,
    );
    const el = form.querySelector('crm-select-field')!;
    expect(form.checkValidity()).to.equal(false);
    el.reportValidity();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="error-message"]')!.textContent).to.equal('Please fill in Stage.');
    expect(inner(el).getAttribute('aria-invalid')).to.equal('true');
    await expectAccessible(el);

    el.value = 'qualified';
    await el.updateComplete;
    expect(form.checkValidity()).to.equal(true);
    expect(new FormData(form).get('stage')).to.equal('qualified');
  });

  it('should leave disabled options out of keyboard choice and be skipped when disabled', async () => {
    const el = await fixture<CrmSelectField>(
      html`<crm-select-field label="Stage" disabled .options=${[{ value: 'lost', label: 'Lost', disabled: true }]}></crm-select-field>`,
    );
    expect(inner(el).disabled).to.equal(true);
    expect(inner(el).options[1]!.disabled).to.equal(true);
  });

  it('should use the German placeholder under a provider with locale="de"', async () => {
    const provider = await fixture(html`<crm-provider locale="de"><crm-select-field label="Phase" .options=${stages}></crm-select-field></crm-provider>`);
    const el = provider.querySelector('crm-select-field')!;
    await el.updateComplete;
    expect(inner(el).options[0]!.textContent!.trim()).to.equal('Bitte wählen…');
  });

  it('should keep the first definition when a second bundle defines crm-select-field again, and still work', async () => {
    const copy = (await loadSecondCopy<{ CrmSelectField: typeof CrmSelectField }>(new URL('./select-field.component.ts', import.meta.url))).CrmSelectField;
    expect(copy, 'a second bundle carries its own class').not.to.equal(CrmSelectField);
    expect(() => copy.define('crm-select-field')).not.to.throw();
    expect(() => CrmSelectField.define('crm-select-field')).not.to.throw();
    expect(customElements.get('crm-select-field')).to.equal(CrmSelectField);
    const el = await fixture<CrmSelectField>(html`<crm-select-field label="Stage" name="stage" .options=${stages}></crm-select-field>`);
    expect(el).to.be.instanceOf(CrmSelectField);
    expect([...inner(el).options].map((option) => option.textContent!.trim())).to.deep.equal(['Choose…', 'Lead', 'Qualified', 'Won']);
    el.focus();
    const input = oneEvent(el, 'crm-field-input') as Promise<CrmFieldInputEvent>;
    await sendKeys({ press: 'ArrowDown' });
    expect((await input).detail).to.deep.equal({ name: 'stage', value: 'lead' });
  });

  describe('at 390 and 1280 px, light and dark', () => {
    afterEach(resetViewport);
    for (const width of [phoneWidth, deskWidth]) {
      for (const theme of ['light', 'dark']) {
        it(`should fit ${width} px with 44 px targets and be axe-clean in the ${theme} theme`, async () => {
          await useViewport(width);
          const provider = await fixture(html`<crm-provider theme=${theme}><crm-select-field name="stage" label="Stage" required .options=${stages} error="Choose a stage."></crm-select-field></crm-provider>`);
          expectFitsLayout(provider as HTMLElement);
          await expectAccessible(provider);
        });
      }
    }
  });
});
