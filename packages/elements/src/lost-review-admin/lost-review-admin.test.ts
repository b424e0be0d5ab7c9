import { sendKeys, setViewport } from '@web/test-runner-commands';
import { expect, fixture, html } from '@open-wc/testing';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { createMemoryAfterlife } from '../test/memory-afterlife.js';
import { expectFitsLayout } from '../test/viewport.js';
import type { CrmDataClient } from '../shared/api/transport.js';
import type { CrmLostReviewAdmin } from './lost-review-admin.component.js';
import './lost-review-admin.js';

const $ = <T extends Element = HTMLElement>(el: CrmLostReviewAdmin, selector: string) => el.shadowRoot!.querySelector(selector) as T;
const text = (el: Element | null) => el?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

async function mount(client: CrmDataClient | LiveApi['client'], locale = 'en', theme = 'light') {
  const provider = await fixture(html`<crm-provider .client=${client} .user=${{ id: '1', name: 'Admin', email: 'a@example.test' }} locale=${locale} theme=${theme}><crm-lost-review-admin></crm-lost-review-admin></crm-provider>`);
  const admin = provider.querySelector('crm-lost-review-admin')!;
  await until(() => Boolean(admin.shadowRoot!.querySelector('form')), 8000, 'the form');
  return admin;
}

describe('crm-lost-review-admin', () => {
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
  });

  it('should route a reason to a group by keyboard, and record the outcome of the lost deal it gets (real API)', async () => {
    const api = await liveApi();
    const admin = await mount(api.client);
    // No consultant picked: refused before the API.
    $<HTMLInputElement>(admin, '[data-field="reason"]').focus();
    await sendKeys({ type: 'Price' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: 'Pricing desk' });
    await sendKeys({ press: 'Enter' });
    await until(() => Boolean($(admin, '#e-memberIds')), 4000, 'the member error');
    $<HTMLInputElement>(admin, `[data-member="${api.user.id}"]`).click();
    $<HTMLButtonElement>(admin, '[data-create]').focus();
    await sendKeys({ press: 'Enter' });
    await until(() => text($(admin, 'caption')) === '1 consultant group', 6000, 'the group listed');

    const deal = await api.client.opportunities.create({ name: 'Acme renewal', amount: 4000 } as never);
    await api.client.opportunities.move(deal.id, { stage: 'lost', version: deal.version, lostReason: 'price' });
    const reloaded = await mount(api.client);
    await until(() => Boolean($(reloaded, '[data-decide]')), 6000, 'the review');
    expect(text($(reloaded, '[part="reviews"] caption'))).to.equal('1 lost deal to review');
    expect(text($(reloaded, '[data-review] td:nth-of-type(2)'))).to.equal('Pricing desk');
    $<HTMLSelectElement>(reloaded, '[data-outcome-select]').value = 'lesson_noted';
    $<HTMLInputElement>(reloaded, '[data-note]').focus();
    await sendKeys({ type: 'Day rate above market' });
    await sendKeys({ press: 'Enter' });
    await until(() => Boolean($(reloaded, '[data-outcome="lesson_noted"]')), 6000, 'the outcome');
    expect(text($(reloaded, '[role="status"]'))).to.equal('Outcome recorded for Acme renewal.');
    const [review] = (await api.client.lostRouting.reviews()).data;
    expect(review!.outcome).to.equal('lesson_noted');
    expect(review!.note).to.equal('Day rate above market');
    await expectAccessible(reloaded);
  });

  it('should speak German with plurals, fit 390 and 1280 px and be axe-clean in the dark theme', async () => {
    const admin = await mount(createMemoryAfterlife().client, 'de', 'dark');
    expect(text($(admin, '[part="groups"] caption'))).to.equal('2 Beratergruppen');
    expect(text($(admin, '[part="reviews"] caption'))).to.equal('1 verlorener Deal zu prüfen');
    expect(text($(admin, '[data-outcome="lesson_noted"]'))).to.equal('Erkenntnis notiert');
    for (const width of [390, 1280]) {
      await setViewport({ width, height: 800 });
      await expectFitsLayout(admin);
    }
    await expectAccessible(admin);
  });
});
