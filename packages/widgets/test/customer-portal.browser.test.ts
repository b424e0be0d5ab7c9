/**
 * <crm-customer-portal> in real Chromium against the real API: on a partner page of another origin under
 * `script-src 'self'; style-src 'self'`, a customer asks for a sign-in link, the link is read from the
 * API's mail, the customer lands signed in and sees their profile; axe-clean at 390 and 1280 px, no CSP
 * violation; an agent's public reply shows up live in the customer's thread (never an internal note) and
 * a reply with an attachment (a file over 5 MB refused in the form); the agent resolves it, the customer
 * sees that live, the satisfaction survey arrives in the SMTP catcher (a real smtp-server), and a low
 * score opens a follow-up case the customer sees in their list; and the same portal hosted by the API at
 * /portal/{tenant}.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { ElementHandle, Page } from 'puppeteer-core';
import { randomBytes } from 'node:crypto';
import { createTestRuntime, makeAgency, startRealtime, startSmtpSink, waitForMail, type SmtpSink, type TestAgency } from '@crm/api/testing';
import { freePort, inWidget, openPage, typeInto, widgetText } from './harness.js';
import { PORTAL, axeViolations, json } from './portal-harness.js';
import puppeteer, { type Browser } from 'puppeteer-core';
import { findChromium } from '../../../scripts/chromium.mjs';
// @ts-expect-error plain ESM script of the example, no types
import { startPartnerSite } from '../../../examples/partner-site/serve.mjs';

describe('<crm-customer-portal> in real Chromium', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let server: Server;
  let realtime: Awaited<ReturnType<typeof startRealtime>>;
  let api: string;
  let agency: TestAgency;
  let slug: string;
  let site: { url: string; policy: string; close(): Promise<void> };
  let browser: Browser;
  let catcher: SmtpSink;
  const email = `portal-${Date.now()}@example.test`;

  before(async () => {
    // Every email (sign-in links, the survey) goes over SMTP to a real smtp-server this test reads.
    catcher = await startSmtpSink();
    rt = await createTestRuntime({
      file: 'customer-portal.browser.test.ts',
      env: { ANONYMOUS_RATE_LIMIT_PER_MINUTE: '100000', SMTP_URL: catcher.url, ENCRYPTION_KEY: randomBytes(32).toString('base64'), JOBS_PROCESS_EVERY_MS: '100', JOBS_LOCK_LIFETIME_MS: '2000' },
    });
    server = createServer(rt.app);
    realtime = await startRealtime(server, rt);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    agency = await makeAgency(rt, 'Acme Partners');
    const admin = { Authorization: `Bearer ${agency.adminToken}`, 'Content-Type': 'application/json' };
    slug = (await json(await fetch(`${api}/v1/tenant`, { headers: admin }))).slug;
    const port = await freePort();
    const origin = `http://localhost:${port}`;
    // The agency embeds its portal on its site: that origin is one its publishable key allows.
    await json(await fetch(`${api}/v1/api-keys`, { method: 'POST', headers: admin, body: JSON.stringify({ kind: 'publishable', name: 'Site', allowedOrigins: [origin] }) }));
    const account = await json(await fetch(`${api}/v1/customers`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'Globex' }) }));
    const contact = await json(
      await fetch(`${api}/v1/contacts`, { method: 'POST', headers: admin, body: JSON.stringify({ firstName: 'Grace', lastName: 'Portal', emails: [{ label: 'work', value: email, primary: true }], customerId: account.id }) }),
    );
    await json(await fetch(`${api}/v1/customer-users`, { method: 'POST', headers: admin, body: JSON.stringify({ contactId: contact.id }) }));
    // A published article for customers: the home page lists it and a ticket subject suggests it.
    const article = await json(await fetch(`${api}/v1/kb/articles`, { method: 'POST', headers: admin, body: JSON.stringify({ title: 'Download your invoice', body: 'Open Billing, then Invoices, then Download.', visibility: 'customers' }) }));
    await json(await fetch(`${api}/v1/kb/articles/${article.id}/publish`, { method: 'POST', headers: admin, body: '{}' }));
    // The agency surveys a ticket's contact when it is resolved (issue 3's survey; a low score opens a follow-up case).
    const survey = await json(
      await fetch(`${api}/v1/templates`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'Ticket survey', category: 'satisfaction', subject: 'How did {{agency.name}} do?', html: '<p>{{link feedback.negativeUrl "Not good"}}</p>', text: 'Rate us: {{feedback.url}}' }) }),
    );
    await json(await fetch(`${api}/v1/satisfaction-settings`, { method: 'PUT', headers: admin, body: JSON.stringify({ enabled: false, templateId: survey.id, afterTicketResolved: true }) }));
    await rt.ctx.jobs.start();
    site = await startPartnerSite({ port, host: 'localhost', api, tenant: slug });
    const chromium = await findChromium();
    browser = await puppeteer.launch({ executablePath: chromium.executablePath, headless: true, args: chromium.args });
  });
  after(async () => {
    await browser?.close().catch(() => {});
    await site?.close();
    await realtime?.close();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await rt?.close();
    await catcher?.stop();
  });

  it('should sign a customer in from an emailed link on a partner page under a strict CSP, and show their profile', async () => {
    assert.match(site.policy, /script-src 'self'; style-src 'self'/);
    const { page, errors } = await openPage(browser, `${site.url}/support.html`, { viewport: { width: 390, height: 844 }, newVisitor: true });
    await inWidget(page, PORTAL, 'form input[name="email"]');
    assert.deepEqual(await axeViolations(page), [], 'the sign-in page is axe-clean at 390 px');

    await typeInto(page, PORTAL, 'email', email);
    await page.keyboard.press('Enter');
    await page.waitForFunction((h) => /sign-in link is on its way/.test(document.querySelector(h)?.shadowRoot?.querySelector('[role="status"]')?.textContent ?? ''), { timeout: 10_000 }, PORTAL);

    const mail = await waitForMail(rt, email, (m) => m.subject.startsWith('Your sign-in link'));
    const link = /(http:\/\/localhost:\d+\/support\.html#crm-portal-link=[A-Za-z0-9_%.-]+)/.exec(mail.text)?.[1];
    assert.ok(link, `a link back to the partner page in: ${mail.text}`);

    // The link opens from the mail client in a new tab of the same browser.
    const { page: landed, errors: landingErrors } = await openPage(browser, link, { viewport: { width: 390, height: 844 } });
    await page.close();
    const pageErrors = [...errors, ...landingErrors];
    await checkSignedIn(landed, pageErrors);
  });

  async function checkSignedIn(page: Page, errors: string[]) {
    await inWidget(page, PORTAL, '[data-page="home"] h2');
    assert.equal(new URL(page.url()).hash, '', 'the token left the address bar');
    assert.match(await widgetText(page, PORTAL, 'header'), /Hello Grace Portal/);
    assert.equal(await page.evaluate(() => document.querySelector('[slot="documents"] h2')?.textContent), 'Quotes and invoices', 'the documents slot shows what the host put there');

    // By keyboard: focus the Profile button and press Enter.
    await page.evaluate((h) => (Array.from(document.querySelector(h)!.shadowRoot!.querySelectorAll('nav button')).find((b) => b.textContent === 'Profile') as HTMLButtonElement).focus(), PORTAL);
    await page.keyboard.press('Enter');
    await inWidget(page, PORTAL, '[data-page="profile"] input[name="firstName"]');
    assert.equal(await page.evaluate((h) => (document.querySelector(h)!.shadowRoot!.querySelector('input[name="firstName"]') as HTMLInputElement).value, PORTAL), 'Grace');
    assert.match(await widgetText(page, PORTAL, '[data-page="profile"]'), new RegExp(email.replace(/[.]/g, '\\.')));
    assert.deepEqual(await axeViolations(page), [], 'the profile page is axe-clean at 390 px');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'nothing overflows sideways at 390 px');

    await page.setViewport({ width: 1280, height: 900 });
    assert.deepEqual(await axeViolations(page), [], 'the profile page is axe-clean at 1280 px');
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations), [], 'no CSP violation');
    assert.deepEqual(errors, []);

    // Home lists the latest articles; a new ticket's subject suggests one; the ticket opens on its thread.
    await page.evaluate((h) => (Array.from(document.querySelector(h)!.shadowRoot!.querySelectorAll('nav button')).find((b) => b.textContent === 'Home') as HTMLButtonElement).click(), PORTAL);
    await page.waitForFunction((h) => /Download your invoice/.test(document.querySelector(h)?.shadowRoot?.querySelector('[data-page="home"]')?.textContent ?? ''), { timeout: 10_000 }, PORTAL);
    await page.evaluate((h) => (Array.from(document.querySelector(h)!.shadowRoot!.querySelectorAll('nav button')).find((b) => b.textContent === 'Tickets') as HTMLButtonElement).click(), PORTAL);
    await typeInto(page, PORTAL, 'subject', 'cannot download invoice');
    await page.waitForFunction((h) => /Download your invoice/.test(document.querySelector(h)?.shadowRoot?.querySelector('[data-suggestions]')?.textContent ?? ''), { timeout: 10_000 }, PORTAL);
    await page.evaluate((h) => (document.querySelector(h)!.shadowRoot!.querySelector('[data-page="tickets"] form button[type="submit"]') as HTMLButtonElement).click(), PORTAL);
    await page.waitForFunction((h) => /cannot download invoice/.test(document.querySelector(h)?.shadowRoot?.querySelector('[data-page="ticket"] h2')?.textContent ?? ''), { timeout: 10_000 }, PORTAL);
    assert.deepEqual(await axeViolations(page), [], 'the ticket thread is axe-clean');

    // An agent answers in the internal portal: the customer sees the public reply live, never the internal note.
    const admin = { Authorization: `Bearer ${agency.adminToken}`, 'Content-Type': 'application/json' };
    const ticket = (await json(await fetch(`${api}/v1/tickets?limit=50`, { headers: admin }))).data.find((t: { subject: string }) => t.subject === 'cannot download invoice');
    const deadline = Date.now() + 10_000;
    while (!realtime.io.of('/portal').sockets.size && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await json(await fetch(`${api}/v1/tickets/${ticket.id}/messages`, { method: 'POST', headers: admin, body: JSON.stringify({ body: 'Internal: check the billing export', visibility: 'internal' }) }));
    await json(await fetch(`${api}/v1/tickets/${ticket.id}/messages`, { method: 'POST', headers: admin, body: JSON.stringify({ body: 'Open Billing, then Invoices.', visibility: 'public' }) }));
    await page.waitForFunction((h) => /Open Billing, then Invoices\./.test(document.querySelector(h)?.shadowRoot?.querySelector('[data-page="ticket"] ol')?.textContent ?? ''), { timeout: 10_000 }, PORTAL);
    assert.doesNotMatch(await widgetText(page, PORTAL, '[data-page="ticket"]'), /billing export/);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations), [], 'no CSP violation with the live connection');

    // The customer replies with a screenshot attached; a file over 5 MB is refused before anything is sent.
    const screenshot = join(tmpdir(), `portal-${Date.now()}.png`);
    writeFileSync(screenshot, Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'));
    const huge = join(tmpdir(), `portal-${Date.now()}-huge.pdf`);
    writeFileSync(huge, Buffer.alloc(5 * 1024 * 1024 + 1, 0x25));
    const filesInput = async () => (await inWidget(page, PORTAL, '#reply-files')).asElement() as ElementHandle<HTMLInputElement>;
    const sendReply = () => page.evaluate((h) => (document.querySelector(h)!.shadowRoot!.querySelector('[data-page="ticket"] form button[type="submit"]') as HTMLButtonElement).click(), PORTAL);
    await page.evaluate((h) => { (document.querySelector(h)!.shadowRoot!.querySelector('#reply-body') as HTMLTextAreaElement).value = 'Here is the screen'; }, PORTAL);
    await (await filesInput()).uploadFile(huge);
    await sendReply();
    await page.waitForFunction((h) => /larger than 5 MB/.test(document.querySelector(h)?.shadowRoot?.querySelector('#reply-error')?.textContent ?? ''), { timeout: 5_000 }, PORTAL);
    await (await filesInput()).uploadFile(screenshot);
    await sendReply();
    const name = screenshot.split('/').pop()!;
    await page.waitForFunction((h, n) => Array.from(document.querySelector(h)?.shadowRoot?.querySelectorAll('[data-page="ticket"] ol .files button') ?? []).some((b) => b.textContent === n), { timeout: 10_000 }, PORTAL, name);
    const thread = await json(await fetch(`${api}/v1/tickets/${ticket.id}/messages`, { headers: admin }));
    const sent = thread.data.find((m: { body: string }) => m.body === 'Here is the screen');
    assert.deepEqual(sent.attachments.map((a: { name: string; contentType: string }) => [a.name, a.contentType]), [[name, 'image/png']], 'the agent sees the attachment');
    assert.deepEqual(await axeViolations(page), [], 'the thread with attachments is axe-clean');

    // In German (the customer's own language, from their profile): the same form and files.
    await page.evaluate((h) => (document.querySelector(h) as unknown as { crm: { portal: { me: { update(p: unknown): Promise<unknown> } } } }).crm.portal.me.update({ locale: 'de' }), PORTAL);
    await page.reload();
    await inWidget(page, PORTAL, '[data-page="home"] h2');
    await page.evaluate((h) => (Array.from(document.querySelector(h)!.shadowRoot!.querySelectorAll('nav button')).find((b) => b.textContent === 'Anfragen') as HTMLButtonElement).click(), PORTAL);
    await page.waitForFunction((h) => Array.from(document.querySelector(h)?.shadowRoot?.querySelectorAll('[data-page="tickets"] ul.list button') ?? []).some((b) => /cannot download invoice/.test(b.textContent ?? '')), { timeout: 10_000 }, PORTAL);
    await page.evaluate((h) => (Array.from(document.querySelector(h)!.shadowRoot!.querySelectorAll('[data-page="tickets"] ul.list button')).find((b) => /cannot download invoice/.test(b.textContent ?? '')) as HTMLButtonElement).click(), PORTAL);
    await page.waitForFunction((h) => document.querySelector(h)?.shadowRoot?.querySelector('label[for="reply-files"]')?.textContent === 'Dateien anhängen (optional)', { timeout: 10_000 }, PORTAL);
    assert.match(await widgetText(page, PORTAL, '#reply-files-hint'), /je höchstens 5 MB/);
    await page.waitForFunction((h, n) => Array.from(document.querySelector(h)?.shadowRoot?.querySelectorAll('[data-page="ticket"] ol .files button') ?? []).some((b) => b.textContent === n && b.getAttribute('aria-label') === `${n} herunterladen`), { timeout: 10_000 }, PORTAL, name);
    assert.deepEqual(await axeViolations(page), [], 'the German thread is axe-clean');

    // The agent resolves the ticket (as the internal portal's ticket view does): the customer sees it live,
    // the reply form gives way to reopening.
    const connected = Date.now() + 10_000;
    while (!realtime.io.of('/portal').sockets.size && Date.now() < connected) await new Promise((resolve) => setTimeout(resolve, 50));
    await json(await fetch(`${api}/v1/tickets/${ticket.id}/transitions`, { method: 'POST', headers: admin, body: JSON.stringify({ to: 'resolved' }) }));
    await page.waitForFunction(
      (h) => {
        const root = document.querySelector(h)?.shadowRoot;
        return /Gelöst/.test(root?.querySelector('[data-page="ticket"] p.muted')?.textContent ?? '') && !root?.querySelector('#reply-body');
      },
      { timeout: 10_000 },
      PORTAL,
    );

    // The survey arrives; the customer answers it with a low score, which opens a follow-up case.
    const surveyMail = await waitForMail(rt, email, (m) => m.subject === 'How did Acme Partners do?', 30_000);
    const feedbackPath = /\/v1\/feedback\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/.exec(surveyMail.text)?.[0];
    assert.ok(feedbackPath, `a feedback link in: ${surveyMail.text}`);
    const answered = await json(await fetch(`${api}${feedbackPath}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ rating: 'negative', comment: 'Took too long' }) }));
    assert.deepEqual(answered, { recorded: true, rating: 'negative' });
    const followUp = (await json(await fetch(`${api}/v1/tickets?limit=50`, { headers: admin }))).data.filter((t: { category?: string; contactId?: string }) => t.category === 'feedback' && t.contactId === ticket.contactId);
    assert.equal(followUp.length, 1, 'one follow-up case for the low score');
    assert.equal(followUp[0].priority, 'high');
    await page.evaluate((h) => (Array.from(document.querySelector(h)!.shadowRoot!.querySelectorAll('nav button')).find((b) => b.textContent === 'Anfragen') as HTMLButtonElement).click(), PORTAL);
    await page.waitForFunction(
      (h, subject) => Array.from(document.querySelector(h)?.shadowRoot?.querySelectorAll('[data-page="tickets"] ul.list button') ?? []).some((b) => (b.textContent ?? '').includes(subject)),
      { timeout: 10_000 },
      PORTAL,
      followUp[0].subject as string,
    );

    // The customer closes the follow-up case and rates it: 1–5 stars as radio buttons and a comment, by
    // keyboard only, in German, axe-clean at 390 and 1280 px; the API keeps the rating for the agents.
    await page.evaluate((h, subject) => (Array.from(document.querySelector(h)!.shadowRoot!.querySelectorAll('[data-page="tickets"] ul.list button')).find((b) => (b.textContent ?? '').includes(subject)) as HTMLButtonElement).click(), PORTAL, followUp[0].subject as string);
    await inWidget(page, PORTAL, '[data-page="ticket"] [data-action="close"]');
    assert.equal(await widgetText(page, PORTAL, '[data-action="close"]'), 'Anfrage schließen');
    await page.evaluate((h) => (document.querySelector(h)!.shadowRoot!.querySelector('[data-action="close"]') as HTMLElement).focus(), PORTAL);
    await page.keyboard.press('Enter');
    const focused = () => page.evaluate((h) => document.querySelector(h)?.shadowRoot?.activeElement?.id ?? '', PORTAL);
    await page.waitForFunction((h) => document.querySelector(h)?.shadowRoot?.activeElement?.id === 'close-ticket-title', { timeout: 5_000 }, PORTAL);
    assert.equal(await widgetText(page, PORTAL, 'form[data-close] legend'), 'Wie zufrieden sind Sie mit unserer Hilfe? (optional)');
    const stars = await page.evaluate((h) => Array.from(document.querySelector(h)!.shadowRoot!.querySelectorAll<HTMLInputElement>('form[data-close] input[type="radio"]')).map((r) => `${r.value}:${(r.labels?.[0]?.textContent ?? '').replace(/[★\s]+/g, ' ').trim()}`), PORTAL);
    assert.deepEqual(stars, ['1:1 Stern', '2:2 Sterne', '3:3 Sterne', '4:4 Sterne', '5:5 Sterne'], 'five radios, each named in German with its plural');
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'close-rating-1', 'Tab reaches the first star');
    for (let i = 0; i < 3; i += 1) await page.keyboard.press('ArrowRight');
    assert.equal(await focused(), 'close-rating-4', 'the arrows move through the stars');
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'close-comment', 'Tab leaves the stars for the comment');
    await page.keyboard.type('Schnell gelöst');
    for (const width of [390, 1280]) {
      await page.setViewport({ width, height: 900 });
      assert.deepEqual(await axeViolations(page), [], `the rating form is axe-clean at ${width} px`);
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `nothing overflows sideways at ${width} px`);
    }
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForFunction((h) => /Ihre Bewertung: 4 Sterne/.test(document.querySelector(h)?.shadowRoot?.querySelector('[data-rated]')?.textContent ?? ''), { timeout: 10_000 }, PORTAL);
    const rated = await json(await fetch(`${api}/v1/tickets/${followUp[0].id}`, { headers: admin }));
    assert.equal(rated.status, 'closed');
    assert.deepEqual([rated.satisfaction?.rating, rated.satisfaction?.comment], [4, 'Schnell gelöst'], 'the agents see the rating and the comment');
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations), [], 'no CSP violation');
    assert.deepEqual(errors, []);
  }

  it('should speak German with German plurals when the page is German', async () => {
    const { page } = await openPage(browser, `${site.url}/support.html`, { newVisitor: true });
    await inWidget(page, PORTAL, 'form');
    await page.evaluate((h) => document.querySelector(h)!.setAttribute('lang', 'de'), PORTAL);
    await page.waitForFunction((h) => document.querySelector(h)?.shadowRoot?.querySelector('h2')?.textContent === 'Anmelden', { timeout: 5_000 }, PORTAL);
  });

  it('should serve the same portal at /portal/{tenant} under the API\'s strict CSP', async () => {
    const { page, errors } = await openPage(browser, `${api}/portal/${slug}`, { viewport: { width: 390, height: 844 }, newVisitor: true });
    await inWidget(page, PORTAL, 'form input[name="email"]');
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations), []);
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(errors, []);
  });
});
