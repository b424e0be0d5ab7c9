// <crm-event-registration> on a partner page in real Chromium, against the real API (issue 23 item 4):
// the event shown in the visitor's language with the venue's time zone, a registration made once, a full
// event said plainly, the privacy notice accepted and recorded, axe-clean at 390 and 1280 px, strict CSP.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
// @ts-expect-error plain ESM script of the example, no types
import { startPartnerSite } from '../../../examples/partner-site/serve.mjs';
import { clickIn, freePort, inWidget, openPage, startHarness, typeInto, widgetText, type Harness, type Site } from './harness.js';

const HOST = '#registration';
/** Intl's narrow and no-break spaces as plain ones. */
const spaced = (s: string) => s.replace(/\s/g, ' ');

describe('<crm-event-registration> in real Chromium', () => {
  let h: Harness;
  let site: Site;
  let eventId = '';
  const admin = () => ({ Authorization: `Bearer ${h.agency.adminToken}`, 'Content-Type': 'application/json' });
  const registrations = (email: string) => h.rt.ctx.connection.collection('sales_event_registrations').countDocuments({ tenantId: h.tenantId, eventId: new Types.ObjectId(eventId), email });

  before(async () => {
    h = await startHarness({ env: { PUBLIC_RATE_LIMIT_PER_MINUTE: '60' } });
    const port = await freePort();
    const origin = `http://localhost:${port}`;
    const key = await (await fetch(`${h.api}/v1/api-keys`, { method: 'POST', headers: admin(), body: JSON.stringify({ kind: 'publishable', name: 'Event page', allowedOrigins: [origin] }) })).json();
    const created = await fetch(`${h.api}/v1/sales-events`, {
      method: 'POST',
      headers: admin(),
      body: JSON.stringify({ name: 'Pharma Summit', level: 2, status: 'open', startsAt: '2027-03-01T08:00:00Z', endsAt: '2027-03-02T17:00:00Z', timezone: 'Europe/Berlin', venue: { name: 'Estrel', city: 'Berlin', country: 'DE' }, capacity: 2 }),
    });
    assert.equal(created.status, 201);
    eventId = ((await created.json()) as { id: string }).id;
    site = await startPartnerSite({ port, host: 'localhost', api: h.api, key: key.key, event: eventId });
  });
  after(async () => {
    // The browser first (h.close), so no page still holds a connection to the partner site.
    await h?.close();
    await site?.close();
  });

  /** Waits for the form; when it does not come, fails with what the page shows and logged. */
  async function formOf(opened: Awaited<ReturnType<typeof openPage>>) {
    try {
      await inWidget(opened.page, HOST, 'form');
    } catch (error) {
      const shown = await opened.page.evaluate(() => ({ html: document.querySelector('#registration')?.outerHTML, inner: document.querySelector('#registration')?.shadowRoot?.textContent, events: (window as unknown as { __events: string[] }).__events }));
      throw new Error(`no form: ${JSON.stringify({ shown, errors: opened.errors })}`, { cause: error });
    }
  }

  async function register(page: Awaited<ReturnType<typeof openPage>>['page'], email: string) {
    await typeInto(page, HOST, 'email', email);
    await typeInto(page, HOST, 'firstName', 'Vic');
    await typeInto(page, HOST, 'lastName', 'Visitor');
  }

  it('should show the event in the venue’s time zone and register a visitor once, by keyboard, under the strict CSP', async () => {
    const opened = await openPage(h.browser, `${site.url}/event.html`, { newVisitor: true });
    const { page, errors } = opened;
    await formOf(opened);
    assert.equal(await widgetText(page, HOST, '[part="title"]'), 'Pharma Summit');
    assert.equal(spaced(await widgetText(page, HOST, '[data-when]')), 'Mar 1, 2027, 9:00 AM – Mar 2, 2027, 6:00 PM GMT+1');
    assert.equal(await widgetText(page, HOST, '[data-seats]'), '2 seats left');
    // Keyboard only: Tab into the role select, pick "Speaker", then fill and send with Enter.
    const role = (await inWidget(page, HOST, '#f-role')).asElement()!;
    await role.focus();
    await page.keyboard.press('ArrowDown');
    await register(page, 'vic@example.test');
    await page.keyboard.press('Enter');
    await inWidget(page, HOST, '[part="message"]');
    assert.equal(await widgetText(page, HOST, '[part="message"]'), 'You are registered for Pharma Summit. See you there!');
    const row = await h.rt.ctx.connection.collection('sales_event_registrations').findOne({ tenantId: h.tenantId, email: 'vic@example.test' });
    assert.equal(row?.role, 'speaker');
    // The same visitor again (a reload, a second tab): the same answer, still one registration.
    const again = await openPage(h.browser, `${site.url}/event.html`, { newVisitor: true });
    await inWidget(again.page, HOST, 'form');
    assert.equal(await widgetText(again.page, HOST, '[data-seats]'), '1 seat left');
    await register(again.page, 'vic@example.test');
    await clickIn(again.page, HOST, '[part="submit"]');
    await inWidget(again.page, HOST, '[part="message"]');
    assert.equal(await registrations('vic@example.test'), 1);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations), []);
    assert.deepEqual(errors, []);
    await Promise.all([page.close(), again.page.close()]);
  });

  it('should speak German, ask for the privacy notice and record it, then say plainly that the event is full', async () => {
    const terms = await fetch(`${h.api}/v1/privacy/terms`, { method: 'PUT', headers: admin(), body: JSON.stringify({ privacy: { version: 'p-2027', url: 'https://partner.example/privacy' } }) });
    assert.equal(terms.status, 200);
    const { page } = await openPage(h.browser, `${site.url}/event.html`, { newVisitor: true, viewport: { width: 390, height: 900 } });
    // The same page in German: the widget again, with lang="de" (as a German page would have it).
    await page.evaluate(() => {
      const shown = document.querySelector('#registration')!;
      const german = document.createElement('crm-event-registration');
      german.id = 'registration';
      german.setAttribute('lang', 'de');
      german.setAttribute('event', shown.getAttribute('event')!);
      shown.replaceWith(german);
    });
    await page.waitForFunction(() => document.querySelector('#registration')?.shadowRoot?.querySelector('[data-seats]')?.textContent?.includes('Noch'), { timeout: 10_000 });
    assert.equal(spaced(await widgetText(page, HOST, '[data-when]')), '01.03.2027, 09:00 – 02.03.2027, 18:00 MEZ');
    await register(page, 'mia@example.test');
    await clickIn(page, HOST, '[part="submit"]');
    await inWidget(page, HOST, '#consent-e');
    assert.equal(await widgetText(page, HOST, '#consent-e'), 'Bitte akzeptieren Sie die Datenschutzhinweise, um sich anzumelden.');
    assert.equal(await registrations('mia@example.test'), 0);
    await clickIn(page, HOST, '#consent');
    await clickIn(page, HOST, '[part="submit"]');
    await inWidget(page, HOST, '[part="message"]');
    assert.equal(await widgetText(page, HOST, '[part="message"]'), 'Sie sind für Pharma Summit angemeldet. Bis bald!');
    const accepted = await h.rt.ctx.connection.collection('terms_acceptances').findOne({ tenantId: h.tenantId, email: 'mia@example.test' });
    assert.deepEqual({ version: accepted?.version, source: accepted?.source }, { version: 'p-2027', source: `event:${eventId}` });
    // Both seats are taken now: the next visitor is told so instead of a form.
    const full = await openPage(h.browser, `${site.url}/event.html`, { newVisitor: true });
    await full.page.waitForFunction(() => document.querySelector('#registration')?.shadowRoot?.querySelector('[part="status"]')?.textContent?.trim(), { timeout: 10_000 });
    assert.equal(await widgetText(full.page, HOST, '[part="status"]'), 'The event is full: no seat is left.');
    assert.equal(await full.page.evaluate(() => Boolean(document.querySelector('#registration')!.shadowRoot!.querySelector('form'))), false);
    await Promise.all([page.close(), full.page.close()]);
  });

  const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  for (const width of [390, 1280]) {
    it(`should be axe-clean (WCAG 2.1 A/AA) and keep its reserved box at ${width} px`, async () => {
      const { page } = await openPage(h.browser, `${site.url}/event.html`, { newVisitor: true, viewport: { width, height: 1200 } });
      await inWidget(page, HOST, '[data-seats]');
      await page.evaluate(axeSource);
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> } }).axe;
        const result = await axe.run({ include: [['#registration']] }, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
        return result.violations.map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
      });
      assert.deepEqual(violations, []);
      const box = await page.evaluate(() => {
        const r = document.querySelector('#registration')!.getBoundingClientRect();
        return { width: r.width, height: r.height, page: document.documentElement.scrollWidth };
      });
      assert.equal(box.height, 620);
      assert.ok(box.width <= 480 && box.page <= width, JSON.stringify(box));
      assert.equal(await page.evaluate(() => (window as unknown as { __shifts: number }).__shifts), 0, 'nothing below the widget moved');
      await page.close();
    });
  }
});
