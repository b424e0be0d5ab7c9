/**
 * Quote acceptance in real Chromium against the real API (issue 21): a rep sends two quotes through their
 * own SMTP (a real smtp-server); the customer signs in to the portal the API hosts at /portal/{tenant},
 * opens Quotes by keyboard, accepts one with a PO number (the order appears for the agents), all axe-clean
 * at 390 and 1280 px without sideways overflow or CSP violations; the other quote's emailed link opens the
 * hosted link page, whose Reject button works by keyboard and which refuses a second use.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import puppeteer, { type Browser } from 'puppeteer-core';
import { createTestRuntime, makeAgency, startSmtpSink, waitForMail, type SmtpSink, type TestAgency } from '@crm/api/testing';
import { inWidget, openPage, widgetText } from './harness.js';
import { PORTAL, axeViolations, json, tabTo } from './portal-harness.js';
import { findChromium } from '../../../scripts/chromium.mjs';

describe('quote acceptance in the customer portal, in real Chromium', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let server: Server;
  let api: string;
  let agency: TestAgency;
  let slug: string;
  let browser: Browser;
  let catcher: SmtpSink;
  let accountId: string;
  const admin = () => ({ Authorization: `Bearer ${agency.adminToken}`, 'Content-Type': 'application/json' });
  const email = `quotes-${Date.now()}@example.test`;
  const quotes: { id: string; to: string; token: string }[] = [];

  before(async () => {
    catcher = await startSmtpSink({ auth: { user: 'rep@agency.test', pass: 'rep-mailbox' } });
    rt = await createTestRuntime({ file: 'customer-portal-quotes.browser.test.ts', env: { ANONYMOUS_RATE_LIMIT_PER_MINUTE: '100000', ENCRYPTION_KEY: randomBytes(32).toString('base64') } });
    server = createServer(rt.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    agency = await makeAgency(rt, 'Acme Quotes');
    slug = (await json(await fetch(`${api}/v1/tenant`, { headers: admin() }))).slug;
    // The rep sends through their own mailbox.
    await json(await fetch(`${api}/v1/me/mail-settings`, { method: 'PUT', headers: admin(), body: JSON.stringify({ host: '127.0.0.1', port: catcher.port, secure: false, username: 'rep@agency.test', password: 'rep-mailbox', fromEmail: 'rep@agency.test', fromName: 'Rita Rep' }) }));
    const book = await json(await fetch(`${api}/v1/price-books`, { method: 'POST', headers: admin(), body: JSON.stringify({ name: 'Book', isDefault: true, services: [{ name: 'Translation', specs: [{ name: 'Legal EN→DE', unit: 'page', prices: [{ currency: 'EUR', unitPrice: 4_500 }] }] }] }) }));
    const line = { serviceId: book.services[0].id, specId: book.services[0].specs[0].id, quantity: 12, taxRatePercent: 19 };
    accountId = (await json(await fetch(`${api}/v1/customers`, { method: 'POST', headers: admin(), body: JSON.stringify({ name: 'Globex', finance: { currency: 'EUR' } }) }))).id;
    const contact = await json(await fetch(`${api}/v1/contacts`, { method: 'POST', headers: admin(), body: JSON.stringify({ firstName: 'Grace', lastName: 'Buyer', emails: [{ label: 'work', value: email, primary: true }], customerId: accountId }) }));
    await json(await fetch(`${api}/v1/customer-users`, { method: 'POST', headers: admin(), body: JSON.stringify({ contactId: contact.id }) }));
    for (const title of ['Contracts 2027', 'Website']) {
      const deal = await json(await fetch(`${api}/v1/opportunities`, { method: 'POST', headers: admin(), body: JSON.stringify({ name: title, customerId: accountId, currency: 'EUR', amount: 600 }) }));
      const quote = await json(await fetch(`${api}/v1/quotes`, { method: 'POST', headers: admin(), body: JSON.stringify({ opportunityId: deal.id, title, validUntil: new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10), lines: [line] }) }));
      const to = `buyer-${quotes.length}-${Date.now()}@example.test`;
      await json(await fetch(`${api}/v1/quotes/${quote.id}/send`, { method: 'POST', headers: admin(), body: JSON.stringify({ to: [to] }) }));
      const raw = catcher.messages.find((m) => m.to.includes(to))!.raw.replace(/=\r?\n/g, '');
      quotes.push({ id: quote.id, to, token: /\/portal\/quote-links\/([A-Za-z0-9._-]+)/.exec(raw)![1]! });
    }
    const chromium = await findChromium();
    browser = await puppeteer.launch({ executablePath: chromium.executablePath, headless: true, args: chromium.args });
  });
  after(async () => {
    await browser?.close().catch(() => {});
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await rt?.close();
    await catcher?.stop();
  });

  it('should let the customer accept a quote by keyboard in the hosted portal, at 390 px and 1280 px', async () => {
    const invitation = await waitForMail(rt, email, (m) => m.text.includes('#crm-portal-link='));
    const link = /#crm-portal-link=([A-Za-z0-9_%.-]+)/.exec(invitation.text)![1]!;
    const { page, errors } = await openPage(browser, `${api}/portal/${slug}#crm-portal-link=${link}`, { viewport: { width: 390, height: 844 }, newVisitor: true });
    await inWidget(page, PORTAL, '[data-page="home"] h2');

    // Keyboard only: Tab to the Quotes button of the navigation, Enter.
    await tabTo(page, 'the Quotes navigation button', "el.tagName === 'BUTTON' && el.textContent === 'Quotes'");
    await page.keyboard.press('Enter');
    await inWidget(page, PORTAL, `[data-quote="${quotes[0]!.id}"]`);
    const card = await widgetText(page, PORTAL, `[data-quote="${quotes[0]!.id}"]`);
    assert.match(card, /Contracts 2027/);
    assert.match(card, /Total €642\.60/, '12 pages × €45.00 + 19 % tax');
    assert.match(card, /Awaiting your answer/);
    assert.equal(await page.evaluate((h, id) => document.querySelector(h)!.shadowRoot!.querySelector(`[data-quote="${id}"] [data-pdf]`)?.getAttribute('aria-label'), PORTAL, quotes[0]!.id), `Download ${card.split(':')[0]} as PDF`);
    assert.deepEqual(await axeViolations(page), [], 'the quotes page is axe-clean at 390 px');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'nothing overflows sideways at 390 px');

    await tabTo(page, "the first quote's Accept button", `el.tagName === 'BUTTON' && el.textContent === 'Accept' && el.closest('[data-quote]')?.getAttribute('data-quote') === ${JSON.stringify(quotes[0]!.id)}`);
    await page.keyboard.press('Enter');
    // Focus moved into the form: the PO number field.
    await page.waitForFunction((h, id) => document.querySelector(h)?.shadowRoot?.activeElement?.id === `q-accept-${id}`, { timeout: 5_000 }, PORTAL, quotes[0]!.id);
    assert.deepEqual(await axeViolations(page), [], 'the open accept form is axe-clean at 390 px');
    await page.keyboard.type('PO-4711');
    await page.keyboard.press('Enter');
    await page.waitForFunction((h) => /Your order number is ORD-\d{6}/.test(document.querySelector(h)?.shadowRoot?.querySelector('[data-page="quotes"] [role="status"]')?.textContent ?? ''), { timeout: 10_000 }, PORTAL);
    assert.match(await widgetText(page, PORTAL, `[data-quote="${quotes[0]!.id}"]`), /Accepted/);
    assert.deepEqual(await page.evaluate((h, id) => Array.from(document.querySelector(h)!.shadowRoot!.querySelectorAll(`[data-quote="${id}"] button`)).map((b) => b.textContent), PORTAL, quotes[0]!.id), ['PDF'], 'only the PDF is left on an accepted quote');

    const orders = (await json(await fetch(`${api}/v1/orders?accountId=${accountId}`, { headers: admin() }))).data;
    assert.equal(orders.length, 1);
    assert.deepEqual([orders[0].quoteId, orders[0].poNumber, orders[0].total, orders[0].acceptance.by], [quotes[0]!.id, 'PO-4711', 64_260, 'customer']);

    await page.setViewport({ width: 1280, height: 900 });
    assert.deepEqual(await axeViolations(page), [], 'the quotes page is axe-clean at 1280 px');
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations), [], 'no CSP violation');
    assert.deepEqual(errors, []);
  });

  it('should show the emailed link page with two buttons at 390 px, reject by keyboard, and refuse a second use', async () => {
    const { page, errors } = await openPage(browser, `${api}/portal/quote-links/${quotes[1]!.token}`, { viewport: { width: 390, height: 844 }, newVisitor: true });
    assert.match(await page.evaluate(() => document.body.textContent ?? ''), /Quotation Q-.*Website/);
    assert.deepEqual(await page.evaluate(() => Array.from(document.querySelectorAll('button')).map((b) => b.textContent)), ['Accept the quote', 'Reject the quote']);
    assert.deepEqual(await axeViolations(page, 'main'), [], 'the link page is axe-clean at 390 px');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'nothing overflows sideways at 390 px');

    // Keyboard: Tab to the reason, type it, Tab to Reject, Enter.
    for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement?.id)) !== 'reason'; i += 1) await page.keyboard.press('Tab');
    await page.keyboard.type('We chose another agency');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Reject the quote');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.match(await page.evaluate(() => document.body.textContent ?? ''), /You rejected this quote/);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations), [], 'no CSP violation');
    assert.deepEqual(errors, []);

    const quote = await json(await fetch(`${api}/v1/quotes/${quotes[1]!.id}`, { headers: admin() }));
    assert.equal(quote.status, 'rejected');
    const again = await openPage(browser, `${api}/portal/quote-links/${quotes[1]!.token}`, { newVisitor: true });
    assert.deepEqual(await again.page.evaluate(() => document.querySelectorAll('button').length), 0, 'a used link offers no buttons');
    assert.match(await again.page.evaluate(() => document.body.textContent ?? ''), /Decision: rejected/);
  });
});
