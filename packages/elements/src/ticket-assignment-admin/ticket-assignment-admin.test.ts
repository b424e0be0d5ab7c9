import { sendKeys, setViewport } from '@web/test-runner-commands';
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until } from '../test/live-api.js';
import { failingClient } from '../test/story-provider.js';
import { expectFitsLayout } from '../test/viewport.js';
import type { CrmTicketAssignmentAdmin } from './ticket-assignment-admin.component.js';
import './ticket-assignment-admin.js';

async function mount(client: unknown, user: unknown, locale = 'en', theme = 'light'): Promise<CrmTicketAssignmentAdmin> {
  const provider = await fixture(html`<crm-provider .client=${client} .user=${user} locale=${locale} theme=${theme}><crm-ticket-assignment-admin></crm-ticket-assignment-admin></crm-provider>`);
  const admin = provider.querySelector('crm-ticket-assignment-admin')!;
  await until(() => Boolean(admin.shadowRoot!.querySelector('form, crm-state[kind="error"]')), 8000, 'rules');
  return admin;
}

const $ = <T extends Element = HTMLElement>(admin: CrmTicketAssignmentAdmin, selector: string) => admin.shadowRoot!.querySelector<T & Element>(selector) as T;

function type(admin: CrmTicketAssignmentAdmin, field: string, value: string): void {
  const input = $<HTMLInputElement>(admin, `[data-field="${field}"]`);
  input.value = value;
  input.dispatchEvent(new Event(input.tagName === 'SELECT' ? 'change' : 'input'));
}

describe('crm-ticket-assignment-admin', () => {
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
  });

  it('should refuse a rule without a team beside the field, then save category → team in turn on the real API', async () => {
    const own = await liveApi();
    const team = await own.client.org.teams.create({ name: 'Billing desk', memberIds: [own.user.id] });
    const admin = await mount(own.client, own.user);
    expect($(admin, '#rules-heading').textContent).to.equal('0 assignment rules');
    $<HTMLButtonElement>(admin, '[data-add]').click();
    await admin.updateComplete;
    expect(admin.shadowRoot!.activeElement).to.equal($(admin, '[data-field="rules.0.category"]'));
    type(admin, 'rules.0.category', 'billing');
    $<HTMLButtonElement>(admin, 'form button[type="submit"]').click();
    await until(() => Boolean($(admin, '.field-error')), 4000, 'field error');
    expect($(admin, '#f-rules-0-teamId-error').textContent).to.equal('Please fill in Team.');
    expect(admin.shadowRoot!.activeElement).to.equal($(admin, '[data-field="rules.0.teamId"]'));
    await expectAccessible(admin);

    type(admin, 'rules.0.teamId', team.id);
    const saved = oneEvent(admin, 'crm-assignment-rules-saved');
    $<HTMLButtonElement>(admin, 'form button[type="submit"]').click();
    const { detail } = await saved;
    expect(detail.rules.version).to.equal(1);
    const stored = await own.client.tickets.getAssignmentRules();
    expect(stored.rules).to.deep.equal([{ category: 'billing', productId: null, teamId: team.id, userId: null }]);
    await admin.updateComplete;
    expect($(admin, '[part="message"]').textContent).to.equal('The assignment rules are saved.');
  });

  it('should reorder rules by keyboard, and offer the version someone else saved meanwhile', async () => {
    const own = await liveApi();
    const first = await own.client.org.teams.create({ name: 'First line' });
    const second = await own.client.org.teams.create({ name: 'Second line' });
    await own.client.tickets.updateAssignmentRules({ rules: [{ category: 'a', teamId: first.id }, { category: 'b', teamId: second.id }] });
    const admin = await mount(own.client, own.user);
    $<HTMLButtonElement>(admin, '[data-move="down"][data-index="0"]').focus();
    await sendKeys({ press: 'Enter' });
    await admin.updateComplete;
    expect($<HTMLInputElement>(admin, '[data-field="rules.0.category"]').value).to.equal('b');
    expect(admin.shadowRoot!.activeElement, 'the moved rule keeps the focus; at the end, on its way back up').to.equal($(admin, '[data-move="up"][data-index="1"]'));
    expect($(admin, '[part="message"]').textContent).to.equal('Moved to position 2. Save to keep the order.');
    // Someone else saves first.
    await own.client.tickets.updateAssignmentRules({ rules: [{ teamId: first.id }] }, { ifMatch: 1 });
    $<HTMLButtonElement>(admin, 'form button[type="submit"]').click();
    await until(() => Boolean($(admin, 'form [role="alert"]')), 6000, 'conflict');
    expect((await own.client.tickets.getAssignmentRules()).rules).to.have.length(1);
    $<HTMLButtonElement>(admin, 'form [role="alert"] button').click();
    await admin.updateComplete;
    expect(admin.shadowRoot!.querySelectorAll('[part="rule"]')).to.have.length(1);
    $<HTMLButtonElement>(admin, '[data-remove="0"]').click();
    const saved = oneEvent(admin, 'crm-assignment-rules-saved');
    $<HTMLButtonElement>(admin, 'form button[type="submit"]').click();
    await saved;
    expect((await own.client.tickets.getAssignmentRules()).rules).to.deep.equal([]);
  });

  for (const width of [390, 1280]) {
    it(`should fit ${width} px without horizontal scroll, in German with plurals, axe-clean in the dark theme`, async () => {
      await setViewport({ width, height: 900 });
      const own = await liveApi();
      const team = await own.client.org.teams.create({ name: 'Ein Team mit einem recht langen Namen' });
      await own.client.tickets.updateAssignmentRules({ rules: [{ category: 'rechnungen', teamId: team.id }] });
      const admin = await mount(own.client, own.user, 'de', 'dark');
      expect($(admin, '#rules-heading').textContent).to.equal('1 Zuweisungsregel');
      expect($<HTMLSelectElement>(admin, '[data-field="rules.0.userId"]').selectedOptions[0]!.textContent).to.equal('Teammitglieder abwechselnd');
      expectFitsLayout(admin);
      await expectAccessible(admin);
    });
  }

  it('should show an error state with a retry when the API cannot be reached', async () => {
    const admin = await mount(failingClient, undefined);
    expect($<HTMLElement & { kind: string }>(admin, 'crm-state').kind).to.equal('error');
    await expectAccessible(admin);
  });
});
