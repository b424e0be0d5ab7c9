/**
 * What the browser tests run against: a real API (its test runtime on its own database, behind a real
 * HTTP listener), the example partner site on an allowed origin and again on a disallowed one, and
 * Chromium driven through puppeteer-core (the system's or the packaged one: scripts/chromium.mjs).
 */
import { createServer, type Server } from 'node:http';
import { Types } from 'mongoose';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '@crm/api/testing';
import { findChromium } from '../../../scripts/chromium.mjs';
// @ts-expect-error plain ESM script of the example, no types
import { startPartnerSite } from '../../../examples/partner-site/serve.mjs';
// @ts-expect-error plain ESM script of the example, no types
import { buildExamples } from '../../../examples/partner-site/build.mjs';

/** The flags Chromium gets: those of every browser test (scripts/chromium.mjs), with metrics-stable fonts. */
async function launchChromium(): Promise<Browser> {
  const chromium = await findChromium();
  const args = chromium.args.includes('--font-render-hinting=none') ? chromium.args : [...chromium.args, '--font-render-hinting=none'];
  return puppeteer.launch({ executablePath: chromium.executablePath, headless: true, args });
}

export interface Site {
  url: string;
  policy: string;
  close(): Promise<void>;
}

export interface Harness {
  rt: Awaited<ReturnType<typeof createTestRuntime>>;
  api: string;
  agency: TestAgency;
  tenantId: Types.ObjectId;
  referrer: { id: Types.ObjectId; token: string };
  pk: string;
  /** A second key of the same agency (its own rate-limit bucket). */
  pk2: string;
  partner: Site;
  partner2: Site;
  stranger: Site;
  browser: Browser;
  campaign: { id: string; code: string };
  close(): Promise<void>;
}

export const MIN_FILL_MS = 800;
export const SIGNUPS_PER_MINUTE = 6;

async function json(res: Response) {
  const body = await res.json();
  if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** Starts everything; `close()` stops it all. `env` overrides the API's settings (a benchmark's limits). */
export async function startHarness(options: { env?: Record<string, string> } = {}): Promise<Harness> {
  await buildExamples();
  const rt = await createTestRuntime({ file: 'widgets.browser.test.ts', env: { PUBLIC_RATE_LIMIT_PER_MINUTE: String(SIGNUPS_PER_MINUTE), ANONYMOUS_RATE_LIMIT_PER_MINUTE: '100000', CAMPAIGN_MIN_FILL_MS: String(MIN_FILL_MS), ...options.env } });
  const server: Server = createServer(rt.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const api = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const agency = await makeAgency(rt, 'Acme Partners');
  const tenantId = new Types.ObjectId(agency.tenantId);
  const seller = await makeUser(rt, agency, { role: 'SALES_PERSON', name: 'Anna Seller' });
  const sellerToken = await signIn(rt, seller.email);
  const admin = { Authorization: `Bearer ${agency.adminToken}`, 'Content-Type': 'application/json' };

  // Three sites: two allowed origins (one per key, so rate-limit tests have their own bucket) and a stranger.
  const partnerPort = await freePort();
  const partner2Port = await freePort();
  const keys = [];
  for (const origin of [`http://localhost:${partnerPort}`, `http://localhost:${partner2Port}`]) {
    keys.push((await json(await fetch(`${api}/v1/api-keys`, { method: 'POST', headers: admin, body: JSON.stringify({ kind: 'publishable', name: origin, allowedOrigins: [origin] }) }))).key as string);
  }
  const seller_ = { Authorization: `Bearer ${sellerToken}`, 'Content-Type': 'application/json' };
  const now = Date.now();
  const created = await json(
    await fetch(`${api}/v1/campaigns`, {
      method: 'POST',
      headers: seller_,
      body: JSON.stringify({
        title: 'Spring referral programme',
        code: 'SPRING',
        type: 'referral',
        visibility: 'public',
        description: 'Bring a friend, both get a month free.',
        startAt: new Date(now - 86_400_000).toISOString(),
        endAt: new Date(now + 30 * 86_400_000).toISOString(),
        cost: 500,
        expectedRevenue: 4000,
        form: {
          fields: [
            { key: 'email', label: 'Email', required: true },
            { key: 'firstName', label: 'First name', required: true },
            { key: 'lastName', label: 'Last name' },
          ],
          consentText: 'I agree to receive news about the programme.',
          thankYouMessage: 'Thanks! We will be in touch.',
        },
      }),
    }),
  );
  for (const to of ['new', 'active']) await json(await fetch(`${api}/v1/campaigns/${created.id}/transitions`, { method: 'POST', headers: seller_, body: JSON.stringify({ to }) }));
  await json(await fetch(`${api}/v1/campaigns/${created.id}/referral-codes`, { method: 'POST', headers: seller_, body: JSON.stringify({ code: 'ANNA-2026' }) }));

  const partner: Site = await startPartnerSite({ port: partnerPort, host: 'localhost', api, key: keys[0] });
  const partner2: Site = await startPartnerSite({ port: partner2Port, host: 'localhost', api, key: keys[1] });
  const stranger: Site = await startPartnerSite({ port: 0, host: '127.0.0.1', api, key: keys[0] });
  const browser = await launchChromium();
  return {
    rt,
    api,
    agency,
    tenantId,
    referrer: { id: seller.id, token: sellerToken },
    pk: keys[0]!,
    pk2: keys[1]!,
    partner,
    partner2,
    stranger,
    browser,
    campaign: { id: created.id, code: created.code },
    async close() {
      await browser.close().catch(() => {});
      await Promise.all([partner.close(), partner2.close(), stranger.close()]);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await rt.close();
    },
  };
}

/** A port nothing listens on now. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, 'localhost', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Opens a page that records CSP violations and console errors before any page script runs (`beforeLoad` may listen too). */
export async function openPage(browser: Browser, url: string, options: { viewport?: { width: number; height: number }; newVisitor?: boolean; beforeLoad?: (page: Page) => void } = {}): Promise<{ page: Page; errors: string[] }> {
  // A new browser context has empty storage: a visitor the campaign has never seen.
  const page = options.newVisitor ? await (await browser.createBrowserContext()).newPage() : await browser.newPage();
  await page.setViewport(options.viewport ?? { width: 1280, height: 900 });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.evaluateOnNewDocument(() => {
    const w = window as unknown as { __violations: string[]; __shifts: number; __events: string[] };
    w.__violations = [];
    w.__shifts = 0;
    w.__events = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) if (!entry.hadRecentInput) w.__shifts += entry.value;
    }).observe({ type: 'layout-shift', buffered: true });
    for (const type of ['crm-signup-submitted', 'crm-signup-failed', 'crm-widget-error', 'crm-campaign-engaged', 'crm:ready', 'crm:error']) {
      (type.startsWith('crm:') ? window : document).addEventListener(type, (e) => w.__events.push(`${type} ${JSON.stringify((e as CustomEvent).detail ?? null)}`));
    }
  });
  options.beforeLoad?.(page);
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors };
}

/** Waits until `selector` inside the widget's shadow root exists. */
export async function inWidget(page: Page, host: string, selector: string, timeout = 10_000) {
  return page.waitForFunction((h, s) => document.querySelector(h)?.shadowRoot?.querySelector(s) ?? null, { timeout }, host, selector);
}

/** Types into a field of the signup widget (through real key presses). */
export async function typeInto(page: Page, host: string, name: string, text: string) {
  const input = (await inWidget(page, host, `input[name="${name}"]`)).asElement() as ElementHandle<HTMLInputElement>;
  await input.type(text);
}

/** The text of the widget's live region / message. */
export function widgetText(page: Page, host: string, selector: string): Promise<string> {
  return page.evaluate((h, s) => document.querySelector(h)?.shadowRoot?.querySelector(s)?.textContent?.trim() ?? '', host, selector);
}

/** Clicks an element inside the widget's shadow root. */
export async function clickIn(page: Page, host: string, selector: string) {
  const handle = (await inWidget(page, host, selector)).asElement() as ElementHandle<Element>;
  await handle.click();
}
