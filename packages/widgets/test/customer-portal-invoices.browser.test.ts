/**
 * Invoices in the customer portal in real Chromium against the real API (issue 21): two invoices of the
 * customer's account (one overdue, one partially paid); the customer signs in to the portal the API hosts
 * at /portal/{tenant}, opens Invoices by keyboard, sees the open balance and each invoice's status, and
 * gets a PDF, axe-clean at 390 and 1280 px without sideways overflow or CSP violations.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import puppeteer, { type Browser } from 'puppeteer-core';
import { createTestRuntime, makeAgency, waitForMail, type TestAgency } from '@crm/api/testing';
import { inWidget, openPage, widgetText } from './harness.js';
import { PORTAL, axeViolations, json, tabTo } from './portal-harness.js';
import { findChromium } from '../../../scripts/chromium.mjs';

describe('invoices in the customer portal, in real Chromium', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let server: Server;
  let api: string;
  let agency: TestAgency;
  let slug: string;
  let browser: Browser;
  let overdueId: string;
  let partId: string;
  const admin = () => ({ Authorization: `Bearer ${agency.adminToken}`, 'Content-Type': 'application/json' });
  const email = `invoices-${Date.now()}@example.test`;
  const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

  before(async () => {
    rt = await createTestRuntime({ file: 'customer-portal-invoices.browser.test.ts', env: { ANONYMOUS_RATE_LIMIT_PER_MINUTE: '100000', ENCRYPTION_KEY: randomBytes(32).toString('base64') } });
    server = createServer(rt.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    agency = await makeAgency(rt, 'Acme Invoices');
    slug = (await json(await fetch(`${api}/v1/tenant`, { headers: admin() }))).slug;
    const book = await json(await fetch(`${api}/v1/price-books`, { method: 'POST', headers: admin(), body: JSON.stringify({ name: 'Book', isDefault: true, services: [{ name: 'Hosting', specs: [{ name: 'Monthly', unit: 'month', prices: [{ currency: 'EUR', unitPrice: 10_000 }] }] }] }) }));
    const line = { serviceId: book.services[0].id, specId: book.services[0].specs[0].id, quantity: 1, taxRatePercent: 19 };
    const accountId = (await json(await fetch(`${api}/v1/customers`, { method: 'POST', headers: admin(), body: JSON.stringify({ name: 'Globex', finance: { currency: 'EUR' } }) }))).id;
    const contact = await json(await fetch(`${api}/v1/contacts`, { method: 'POST', headers: admin(), body: JSON.stringify({ firstName: 'Grace', lastName: 'Payer', emails: [{ label: 'work', value: email, primary: true }], customerId: accountId }) }));
    await json(await fetch(`${api}/v1/customer-users`, { method: 'POST', headers: admin(), body: JSON.stringify({ contactId: contact.id }) }));
    overdueId = (await json(await fetch(`${api}/v1/invoices`, { method: 'POST', headers: admin(), body: JSON.stringify({ accountId, issueDate: day(-40), dueDate: day(-10), lines: [line] }) }))).id;
    partId = (await json(await fetch(`${api}/v1/invoices`, { method: 'POST', headers: admin(), body: JSON.stringify({ accountId, dueDate: day(20), lines: [line] }) }))).id;
    await json(await fetch(`${api}/v1/invoices/${partId}/payments`, { method: 'POST', headers: admin(), body: JSON.stringify({ amount: 5_000, method: 'bankTransfer' }) }));
    const chromium = await findChromium();
    browser = await puppeteer.launch({ executablePath: chromium.executablePath, headless: true, args: chromium.args });
  });
  after(async () => {
    await browser?.close().catch(() => {});
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await rt?.close();
  });

  it("should show the customer their invoices, the open balance and the PDF by keyboard, at 390 px and 1280 px", async () => {
    const invitation = await waitForMail(rt, email, (m) => m.text.includes('#crm-portal-link='));
    const link = /#crm-portal-link=([A-Za-z0-9_%.-]+)/.exec(invitation.text)![1]!;
    const { page, errors } = await openPage(browser, `${api}/portal/${slug}#crm-portal-link=${link}`, { viewport: { width: 390, height: 844 }, newVisitor: true });
    await inWidget(page, PORTAL, '[data-page="home"] h2');

    await tabTo(page, 'the Invoices navigation button', "el.tagName === 'BUTTON' && el.textContent === 'Invoices'");
    await page.keyboard.press('Enter');
    await inWidget(page, PORTAL, `[data-invoice="${overdueId}"]`);
    assert.match((await widgetText(page, PORTAL, '[data-open-balance]')).replace(/\s+/g, ' '), /Open balance: €188\.00 \(of which overdue: €119\.00\)/);
    assert.match(await widgetText(page, PORTAL, `[data-invoice="${overdueId}"]`), /Overdue/);
    assert.match(await widgetText(page, PORTAL, `[data-invoice="${partId}"]`), /Partially paid/);
    assert.match(await widgetText(page, PORTAL, `[data-invoice="${partId}"] [data-balance]`), /€69\.00/);
    assert.deepEqual(await axeViolations(page), [], 'the invoices page is axe-clean at 390 px');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'nothing overflows sideways at 390 px');

    // The PDF button by keyboard: the PDF is fetched with the customer's token (the API answers it).
    const pdf = page.waitForResponse((res) => res.url().includes(`/v1/portal/invoices/${overdueId}/pdf`));
    await tabTo(page, 'the overdue invoice PDF button', `el.tagName === 'BUTTON' && el.closest('[data-invoice]')?.getAttribute('data-invoice') === ${JSON.stringify(overdueId)}`);
    await page.keyboard.press('Enter');
    const answer = await pdf;
    assert.equal(answer.status(), 200);
    assert.equal(answer.headers()['content-type'], 'application/pdf');
    assert.equal(await widgetText(page, PORTAL, '[data-page="invoices"] [role="alert"]'), '');

    await page.setViewport({ width: 1280, height: 900 });
    assert.deepEqual(await axeViolations(page), [], 'the invoices page is axe-clean at 1280 px');
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations), [], 'no CSP violation');
    assert.deepEqual(errors, []);
  });
});
