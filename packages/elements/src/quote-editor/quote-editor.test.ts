import { setViewport } from '@web/test-runner-commands';
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { expectFitsLayout } from '../test/viewport.js';
import type { CrmQuoteEditor } from './quote-editor.component.js';
import './quote-editor.js';

const $ = <T extends Element = HTMLElement>(editor: CrmQuoteEditor, selector: string) => editor.shadowRoot!.querySelector(selector) as T;
const total = (editor: CrmQuoteEditor) => $(editor, '[data-total="total"]')?.textContent?.replace(/\s/g, ' ') ?? '';

function set(editor: CrmQuoteEditor, selector: string, value: string): void {
  const control = $<HTMLInputElement | HTMLSelectElement>(editor, selector);
  control.value = value;
  control.dispatchEvent(new Event('change'));
}

describe('crm-quote-editor', () => {
  let api: LiveApi;
  let opportunityId: string;
  let specKey: string;

  before(async () => {
    api = await liveApi();
    const book = await api.client.priceBooks.create({
      name: 'Standard',
      isDefault: true,
      services: [{ name: 'Translation', specs: [{ name: 'Legal', unit: 'word', prices: [{ currency: 'EUR', unitPrice: 18 }] }] }],
    });
    specKey = `${book.services[0]!.id}/${book.services[0]!.specs[0]!.id}`;
    const account = await api.client.customers.create({ name: 'Globex', finance: { priceAdjuster: 2.5 } } as never);
    opportunityId = (await api.client.opportunities.create({ name: 'Globex contracts', customerId: account.id, currency: 'EUR' } as never)).id;
  });
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
  });

  async function mount(locale = 'en') {
    const provider = await fixture(html`<crm-provider .client=${api.client} .user=${api.user} locale=${locale}><crm-quote-editor opportunity-id=${opportunityId}></crm-quote-editor></crm-provider>`);
    const editor = provider.querySelector('crm-quote-editor')!;
    await until(() => Boolean(editor.shadowRoot!.querySelector(`option[value="${specKey}"]`)), 8000, 'price book specs');
    return editor;
  }

  it('should show the server’s totals as lines change, refuse a bad number beside its field, save and send the quote', async () => {
    const editor = await mount();
    set(editor, '[data-field="lines.0.specId"]', specKey);
    set(editor, '[data-field="lines.0.quantity"]', '1000');
    set(editor, '[data-field="lines.0.taxRatePercent"]', '19');
    // 1000 words × 0.18 (the account's +2.5 % leaves 18 cents at 18.45 → 18) = 180.00, + 19 % = 214.20
    await until(() => total(editor) === '€214.20', 8000, 'server total');
    expect($(editor, 'caption').textContent).to.equal('1 line');

    set(editor, '[data-field="lines.0.quantity"]', '1,5');
    await editor.updateComplete;
    expect($(editor, '#e-lines-0-quantity').textContent).to.equal('Enter a number such as 1.5.');
    expect($(editor, '[data-field="lines.0.quantity"]').getAttribute('aria-invalid')).to.equal('true');
    set(editor, '[data-field="lines.0.quantity"]', '1000');
    await until(() => !$(editor, '#e-lines-0-quantity'), 4000, 'error cleared');
    await expectAccessible(editor);

    const saved = oneEvent(editor, 'crm-quote-saved');
    $<HTMLButtonElement>(editor, '[data-save]').click();
    const { detail } = await saved;
    expect(detail.created).to.equal(true);
    expect(detail.quote.total).to.equal(21_420);
    const stored = await api.client.quotes.get(detail.quote.id);
    expect(stored.total).to.equal(21_420);

    await until(() => Boolean($(editor, '[data-send]')), 4000, 'send form');
    ($(editor, '[data-field="to"]') as HTMLInputElement).value = 'buyer@globex.test';
    $(editor, '[data-field="to"]').dispatchEvent(new Event('input'));
    const sent = oneEvent(editor, 'crm-quote-sent');
    $<HTMLButtonElement>(editor, '[data-send]').click();
    expect((await sent).detail.quote.status).to.equal('sent');
    expect((await api.client.quotes.get(detail.quote.id)).sentRevision).to.equal(1);

    // The customer says yes on the phone: the rep records it with their PO; the order follows.
    await until(() => Boolean($(editor, '[data-accept]')), 4000, 'the answer form of a sent quote');
    await expectAccessible(editor);
    for (const width of [390, 1280]) {
      await setViewport({ width, height: 800 });
      await expectFitsLayout(editor);
    }
    ($(editor, '[data-field="poNumber"]') as HTMLInputElement).value = 'PO-991';
    $(editor, '[data-field="poNumber"]').dispatchEvent(new Event('input'));
    const decided = oneEvent(editor, 'crm-quote-decided');
    $<HTMLButtonElement>(editor, '[data-accept]').click();
    const answer = (await decided).detail;
    expect(answer.quote.status).to.equal('accepted');
    expect(answer.decision.by).to.equal('agent');
    expect(answer.order!.poNumber).to.equal('PO-991');
    expect(answer.order!.total).to.equal(21_420);
    await until(() => /accepted: order ORD-\d{6}/.test($(editor, '[role="status"]').textContent ?? ''), 4000, 'the order number');
    expect($(editor, '[data-accept]')).to.equal(null);
    expect((await api.client.orders.get(answer.order!.id)).quoteId).to.equal(detail.quote.id);
  });

  it('should write amounts and plurals in German and fit 390 and 1280 px', async () => {
    const editor = await mount('de');
    set(editor, '[data-field="lines.0.specId"]', specKey);
    set(editor, '[data-field="lines.0.quantity"]', '2.5');
    await until(() => total(editor) === '0,45 €', 8000, 'server total in German');
    $<HTMLButtonElement>(editor, '[data-add]').click();
    await editor.updateComplete;
    expect($(editor, 'caption').textContent).to.equal('2 Positionen');
    for (const width of [390, 1280]) {
      await setViewport({ width, height: 800 });
      await expectFitsLayout(editor);
    }
    await expectAccessible(editor);
  });
});
