/**
 * Quote to cash in real Chromium against the real API (issue 21), one story end to end: a rep builds a
 * quote from the price book in <crm-quote-editor> and sends it (the PDF arrives at a real SMTP server,
 * through the rep's own mailbox); the customer accepts it with a PO number in the customer portal the API
 * hosts; the order and its invoice appear, for the agent in <crm-invoice-list> and for the customer on the
 * portal's Invoices page; the invoice is not paid, and the reminder job, run with its clock moved to the
 * due day + 7 (no sleeping), mails the +7 reminder once, and nothing the day before.
 *
 * The agent's elements come from packages/elements' sources, bundled by esbuild when the test starts and
 * served on the API's own origin (so the page calls the API like the internal portal does).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { createTestRuntime, invoicingFor, makeAgency, startSmtpSink, waitForMail, type SmtpSink, type TestAgency } from '@crm/api/testing';
import { inWidget, openPage, widgetText } from './harness.js';
import { PORTAL, axeViolations, json, tabTo } from './portal-harness.js';
import { findChromium } from '../../../scripts/chromium.mjs';

const elements = fileURLToPath(new URL('../../elements/', import.meta.url));
const DAY = 86_400_000;

/** The agent's page: the real elements inside <crm-provider> with a signed-in SDK client; the query says which. */
const agentEntry = `
import { createCrmClient } from '@crm/client-sdk';
import './src/provider/provider.js';
import './src/quote-editor/quote-editor.js';
import './src/invoice-list/invoice-list.js';
const params = new URLSearchParams(location.search);
const client = createCrmClient({ baseUrl: location.origin, auth: { type: 'session', email: params.get('email'), password: params.get('password') } });
await client.session.login();
const user = client.session.user;
const provider = document.createElement('crm-provider');
provider.client = client;
provider.user = { id: user.id, name: user.name, email: user.email };
provider.setAttribute('locale', 'en');
const invoices = params.get('view') === 'invoices';
const element = document.createElement(invoices ? 'crm-invoice-list' : 'crm-quote-editor');
element.setAttribute(invoices ? 'account-id' : 'opportunity-id', params.get('id'));
provider.append(element);
document.querySelector('main').append(provider);
`;

describe('quote to cash, end to end in real Chromium', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let server: Server;
  let api: string;
  let agency: TestAgency;
  let slug: string;
  let browser: Browser;
  let catcher: SmtpSink;
  let bundle: string;
  let accountId: string;
  let opportunityId: string;
  let specKey: string;
  const admin = () => ({ Authorization: `Bearer ${agency.adminToken}`, 'Content-Type': 'application/json' });
  const buyer = `q2c-${Date.now()}@example.test`;
  const billing = `ap-${Date.now()}@globex.test`;
  const agentPage = (view: 'quote' | 'invoices', id: string) => `${api}/__agent/?view=${view}&id=${id}&email=${encodeURIComponent(agency.adminEmail)}&password=${encodeURIComponent('correct-horse-battery')}`;
  const inElement = (page: Page, tag: string, selector: string, timeout = 15_000) => inWidget(page, tag, selector, timeout);
  /** Sets a control in the element's shadow root as a person's change would (value, then `change`). */
  const setField = (page: Page, tag: string, selector: string, value: string) =>
    page.evaluate((t, s, v) => {
      const control = document.querySelector(t)!.shadowRoot!.querySelector(s) as HTMLInputElement;
      control.value = v;
      control.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      control.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
    }, tag, selector, value);

  before(async () => {
    const built = await build({ stdin: { contents: agentEntry, resolveDir: elements, loader: 'ts', sourcefile: 'agent-page.ts' }, bundle: true, format: 'esm', target: 'es2022', write: false, tsconfig: `${elements}tsconfig.json`, logLevel: 'error' });
    bundle = built.outputFiles[0]!.text;
    catcher = await startSmtpSink({ auth: { user: 'rep@agency.test', pass: 'rep-mailbox' } });
    rt = await createTestRuntime({ file: 'quote-to-cash.browser.test.ts', env: { ANONYMOUS_RATE_LIMIT_PER_MINUTE: '100000', ENCRYPTION_KEY: randomBytes(32).toString('base64') } });
    // One origin: the agent's page and its bundle, and the API (with the customer portal it hosts).
    server = createServer((req, res) => {
      if (req.url === '/favicon.ico') return void res.writeHead(204).end();
      if (req.url?.startsWith('/__agent/bundle.js')) return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      if (req.url?.startsWith('/__agent/')) return void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Agent</title></head><body><main></main><script type="module" src="/__agent/bundle.js"></script></body></html>');
      rt.app(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    agency = await makeAgency(rt, 'Acme Q2C');
    slug = (await json(await fetch(`${api}/v1/tenant`, { headers: admin() }))).slug;
    // The rep sends quotes through their own mailbox; invoices and reminders go through the agency's.
    const mailbox = { host: '127.0.0.1', port: catcher.port, secure: false, username: 'rep@agency.test', password: 'rep-mailbox' };
    await json(await fetch(`${api}/v1/me/mail-settings`, { method: 'PUT', headers: admin(), body: JSON.stringify({ ...mailbox, fromEmail: 'rep@agency.test', fromName: 'Rita Rep' }) }));
    await json(await fetch(`${api}/v1/mail-settings`, { method: 'PUT', headers: admin(), body: JSON.stringify({ ...mailbox, fromEmail: 'billing@agency.test', fromName: 'Acme Billing' }) }));
    const book = await json(await fetch(`${api}/v1/price-books`, { method: 'POST', headers: admin(), body: JSON.stringify({ name: 'Book', isDefault: true, services: [{ name: 'Translation', specs: [{ name: 'Legal EN→DE', unit: 'page', prices: [{ currency: 'EUR', unitPrice: 4_500 }] }] }] }) }));
    specKey = `${book.services[0].id}/${book.services[0].specs[0].id}`;
    accountId = (await json(await fetch(`${api}/v1/customers`, { method: 'POST', headers: admin(), body: JSON.stringify({ name: 'Globex', emails: [{ label: 'billing', value: billing, primary: true }], finance: { currency: 'EUR', priceBookId: book.id, paymentTermsDays: 14, invoicingOption: 'perPo', autoSendInvoice: true } }) }))).id;
    const contact = await json(await fetch(`${api}/v1/contacts`, { method: 'POST', headers: admin(), body: JSON.stringify({ firstName: 'Grace', lastName: 'Buyer', emails: [{ label: 'work', value: buyer, primary: true }], customerId: accountId }) }));
    await json(await fetch(`${api}/v1/customer-users`, { method: 'POST', headers: admin(), body: JSON.stringify({ contactId: contact.id }) }));
    opportunityId = (await json(await fetch(`${api}/v1/opportunities`, { method: 'POST', headers: admin(), body: JSON.stringify({ name: 'Contracts 2027', customerId: accountId, currency: 'EUR', amount: 600 }) }))).id;
    const chromium = await findChromium();
    browser = await puppeteer.launch({ executablePath: chromium.executablePath, headless: true, args: chromium.args });
  });
  after(async () => {
    await browser?.close().catch(() => {});
    server?.closeAllConnections?.();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await rt?.close();
    await catcher?.stop();
  });

  it('should take a quote from the price book to an accepted order, an invoice and its reminder on the day', async () => {
    // 1. The rep builds the quote from the price book and sends it.
    const agent = await openPage(browser, agentPage('quote', opportunityId));
    const EDITOR = 'crm-quote-editor';
    await inElement(agent.page, EDITOR, `option[value="${specKey}"]`);
    await setField(agent.page, EDITOR, '[data-field="lines.0.specId"]', specKey);
    await setField(agent.page, EDITOR, '[data-field="lines.0.quantity"]', '12');
    await setField(agent.page, EDITOR, '[data-field="lines.0.taxRatePercent"]', '19');
    await agent.page.waitForFunction((t) => document.querySelector(t)?.shadowRoot?.querySelector('[data-total="total"]')?.textContent?.replace(/\s/g, ' ') === '€642.60', { timeout: 15_000 }, EDITOR);
    await (await inElement(agent.page, EDITOR, '[data-save]')).asElement()!.evaluate((b) => (b as HTMLButtonElement).click());
    await inElement(agent.page, EDITOR, '[data-send]');
    await setField(agent.page, EDITOR, '[data-field="to"]', buyer);
    await (await inElement(agent.page, EDITOR, '[data-send]')).asElement()!.evaluate((b) => (b as HTMLButtonElement).click());
    await inElement(agent.page, EDITOR, '[data-accept]');
    assert.deepEqual(agent.errors, []);

    const quotes = (await json(await fetch(`${api}/v1/opportunities/${opportunityId}/quotes`, { headers: admin() }))).data;
    assert.equal(quotes.length, 1);
    assert.deepEqual([quotes[0].status, quotes[0].total], ['sent', 64_260]);
    const quoteMail = catcher.messages.filter((m) => m.to.includes(buyer));
    assert.equal(quoteMail.length, 1, 'the quote arrives once');
    assert.equal(quoteMail[0]!.from, 'rep@agency.test', "through the rep's own mailbox");
    assert.match(quoteMail[0]!.raw, /Content-Type: application\/pdf/i, 'with the PDF attached');

    // 2. The customer signs in to the portal and accepts it with a PO number, by keyboard.
    const invitation = await waitForMail(rt, buyer, (m) => m.text.includes('#crm-portal-link='));
    const link = /#crm-portal-link=([A-Za-z0-9_%.-]+)/.exec(invitation.text)![1]!;
    const customer = await openPage(browser, `${api}/portal/${slug}#crm-portal-link=${link}`, { viewport: { width: 390, height: 844 }, newVisitor: true });
    await inWidget(customer.page, PORTAL, '[data-page="home"] h2');
    await tabTo(customer.page, 'the Quotes navigation button', "el.tagName === 'BUTTON' && el.textContent === 'Quotes'");
    await customer.page.keyboard.press('Enter');
    await inWidget(customer.page, PORTAL, `[data-quote="${quotes[0].id}"]`);
    await tabTo(customer.page, 'the Accept button', `el.tagName === 'BUTTON' && el.textContent === 'Accept' && el.closest('[data-quote]')?.getAttribute('data-quote') === ${JSON.stringify(quotes[0].id)}`);
    await customer.page.keyboard.press('Enter');
    await customer.page.waitForFunction((h, id) => document.querySelector(h)?.shadowRoot?.activeElement?.id === `q-accept-${id}`, { timeout: 5_000 }, PORTAL, quotes[0].id);
    await customer.page.keyboard.type('PO-4711');
    await customer.page.keyboard.press('Enter');
    await customer.page.waitForFunction((h) => /Your order number is ORD-\d{6}/.test(document.querySelector(h)?.shadowRoot?.querySelector('[data-page="quotes"] [role="status"]')?.textContent ?? ''), { timeout: 15_000 }, PORTAL);

    // 3. The order and its invoice (the account is invoiced per PO, and sent automatically).
    const orders = (await json(await fetch(`${api}/v1/orders?accountId=${accountId}`, { headers: admin() }))).data;
    assert.equal(orders.length, 1);
    assert.deepEqual([orders[0].quoteId, orders[0].poNumber, orders[0].total], [quotes[0].id, 'PO-4711', 64_260]);
    assert.ok(orders[0].invoiceId, 'the order is invoiced');
    const invoice = await json(await fetch(`${api}/v1/invoices/${orders[0].invoiceId}`, { headers: admin() }));
    assert.deepEqual([invoice.total, invoice.poNumber, invoice.status], [64_260, 'PO-4711', 'issued']);
    const invoiceMail = catcher.messages.filter((m) => m.to.includes(billing));
    assert.equal(invoiceMail.length, 1, 'the invoice is mailed once');
    assert.match(invoiceMail[0]!.raw, /Content-Type: application\/pdf/i);

    // The agent sees it in <crm-invoice-list>.
    const list = await openPage(browser, agentPage('invoices', accountId));
    await inElement(list.page, 'crm-invoice-list', `tr[data-invoice="${invoice.id}"]`);
    assert.match(await widgetText(list.page, 'crm-invoice-list', `tr[data-invoice="${invoice.id}"]`), new RegExp(`${invoice.displayNumber}[\\s\\S]*€642\\.60[\\s\\S]*Issued`));
    assert.deepEqual(list.errors, []);

    // The customer sees it on the portal's Invoices page.
    await tabTo(customer.page, 'the Invoices navigation button', "el.tagName === 'BUTTON' && el.textContent === 'Invoices'");
    await customer.page.keyboard.press('Enter');
    await inWidget(customer.page, PORTAL, `[data-invoice="${invoice.id}"]`);
    assert.match(await widgetText(customer.page, PORTAL, `[data-invoice="${invoice.id}"] [data-balance]`), /€642\.60/);
    assert.deepEqual(await axeViolations(customer.page), [], 'the invoices page is axe-clean at 390 px');
    assert.deepEqual(customer.errors, []);

    // 4. Nobody pays. The reminder job with its clock moved: nothing on due + 6, the +7 reminder on due + 7, once.
    const due = Date.parse(`${invoice.dueDate}T09:00:00Z`);
    const reminders = () => catcher.messages.filter((m) => m.to.includes(billing) && /^message-id:\s*<reminder\./im.test(m.raw));
    const invoicing = invoicingFor(rt.ctx, 30_000);
    const steps = () => reminders().map((m) => /^message-id:\s*<reminder\.[a-f0-9]+\.([a-z0-9-]+)@/im.exec(m.raw)?.[1]);
    try {
      await invoicing.runDunning(new Date(due - 4 * DAY));
      assert.deepEqual(steps(), [], 'nothing before the first step');
      await invoicing.runDunning(new Date(due + 6 * DAY));
      assert.deepEqual(steps(), ['on-due'], 'the latest step reached by due + 6 is the due day (the earlier one is skipped, not sent in a burst)');
      await invoicing.runDunning(new Date(due + 7 * DAY));
      await invoicing.runDunning(new Date(due + 7 * DAY));
    } finally {
      await invoicing.close();
    }
    const late = reminders().filter((m) => m.raw.includes(`<reminder.${invoice.id}.overdue-7@invoices.crm>`));
    assert.equal(late.length, 1, 'the +7 reminder arrives once on its day');
    assert.equal(late[0]!.subject, `Reminder: invoice ${invoice.displayNumber} is overdue`);
    assert.match(late[0]!.raw, /Content-Type: application\/pdf/i);

    assert.deepEqual(steps(), ['on-due', 'overdue-7']);
    const timeline = JSON.stringify(await json(await fetch(`${api}/v1/customers/${accountId}/timeline`, { headers: admin() })));
    assert.match(timeline, /Payment reminder \(overdue-7\) sent/);
  });
});
