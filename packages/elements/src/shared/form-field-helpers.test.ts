import { expect, fixture, html } from '@open-wc/testing';
import { focusFirstError, mapFieldErrors, validateFields } from './form-field.js';
import '../text-field/text-field.js';
import type { CrmTextField } from '../text-field/text-field.component.js';

describe('form helpers', () => {
  it('should lay API errors onto fields, one message per field, the nearest named parent taking nested paths', () => {
    const names = new Set(['firstName', 'emails.0.value', 'company']);
    const { byField, other } = mapFieldErrors(
      [
        { field: 'firstName', message: 'is required' },
        { field: 'firstName', message: 'is too short' },
        { field: 'emails.0.value', message: 'must be an email address' },
        { field: 'company.address.city', message: 'is too long' },
        { field: 'custom.size', message: 'must be a number' },
      ],
      (name) => names.has(name),
    );
    expect(byField).to.deep.equal({ firstName: 'is required', 'emails.0.value': 'must be an email address', company: 'is too long' });
    expect(other).to.deep.equal(['custom.size: must be a number']);
  });

  it('should show each invalid field its message once and focus the first without scrolling the page', async () => {
    const form = await fixture<HTMLFormElement>(html`<form>
      <div style="height: 3000px"></div>
      <crm-text-field name="a" label="A" required></crm-text-field>
      <crm-text-field name="b" label="B" required></crm-text-field>
      <crm-text-field name="c" label="C" value="ok" required></crm-text-field>
    </form>`);
    const fields = [...form.querySelectorAll<CrmTextField>('crm-text-field')];
    window.scrollTo(0, 0);
    const invalid = validateFields(fields);
    await Promise.all(fields.map((f) => f.updateComplete));
    expect(invalid.map((f) => (f as CrmTextField).name)).to.deep.equal(['a', 'b']);
    expect(document.activeElement).to.equal(fields[0]);
    const messages = fields.map((f) => f.shadowRoot!.querySelector('[part="error-message"]')!.textContent!.trim());
    expect(messages).to.deep.equal(['Please fill in A.', 'Please fill in B.', '']);
    // Scrolled only as far as the field: it is in view, its bottom edge near the viewport's bottom.
    const rect = fields[0]!.getBoundingClientRect();
    expect(rect.top).to.be.at.least(0);
    expect(rect.bottom).to.be.at.most(window.innerHeight + 1);
    expect(window.innerHeight - rect.bottom).to.be.below(5);
  });

  it('should focus the first field that shows a server error', async () => {
    const form = await fixture<HTMLFormElement>(html`<form>
      <crm-text-field name="a" label="A"></crm-text-field>
      <crm-text-field name="b" label="B" error="is taken"></crm-text-field>
    </form>`);
    expect(focusFirstError(form)).to.equal(true);
    expect((document.activeElement as CrmTextField).name).to.equal('b');
  });
});
