import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { ElementHandle, Page } from 'puppeteer-core';
import { integrity } from '../scripts/manifest.mjs';
import { BUDGET_BYTES, measure } from '../scripts/size.mjs';
import { clickIn, freePort, inWidget, MIN_FILL_MS, openPage, SIGNUPS_PER_MINUTE, startHarness, typeInto, widgetText, type Harness } from './harness.js';
// @ts-expect-error plain ESM script of the example, no types
import { startPartnerSite } from '../../../examples/partner-site/serve.mjs';

const SIGNUP = '#signup';

describe('widgets in real Chromium', () => {
  let h: Harness;
  const db = () => h.rt.ctx.connection;
  const count = (collection: string, filter: Record<string, unknown>) => db().collection(collection).countDocuments({ tenantId: h.tenantId, ...filter });

  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h?.close();
  });

  /** Fills the signup form like a person and waits the minimum fill time before sending. */
  async function fillSignup(page: Page, values: { email: string; firstName: string; lastName?: string }, options: { consent?: boolean; wait?: boolean } = {}) {
    await inWidget(page, SIGNUP, 'form');
    const started = Date.now();
    await typeInto(page, SIGNUP, 'email', values.email);
    await typeInto(page, SIGNUP, 'firstName', values.firstName);
    if (values.lastName) await typeInto(page, SIGNUP, 'lastName', values.lastName);
    if (options.consent !== false) await clickIn(page, SIGNUP, 'input[name="consent"]');
    if (options.wait !== false) await delay(Math.max(0, MIN_FILL_MS + 300 - (Date.now() - started)));
  }

  async function submit(page: Page) {
    await clickIn(page, SIGNUP, 'button[type="submit"]');
  }

  const values = (page: Page) => page.evaluate((host) => Object.fromEntries(Array.from(document.querySelector(host)!.shadowRoot!.querySelectorAll('input')).map((i) => [i.name, i.type === 'checkbox' ? String(i.checked) : i.value])), SIGNUP);

  /**
   * A running public campaign with a fixed period, one like and two enrolments (from the partner's
   * page, as visitors would), made once for the language tests.
   */
  let locales: Promise<string> | undefined;
  function localeCampaign(): Promise<string> {
    locales ??= (async () => {
      const headers = { Authorization: `Bearer ${h.agency.adminToken}`, 'Content-Type': 'application/json' };
      const body = { title: 'Autumn conference', code: 'LOCALES', type: 'referral', visibility: 'public', startAt: '2026-03-05T12:00:00Z', endAt: '2030-04-30T12:00:00Z', form: { fields: [{ key: 'email', label: 'Email', required: true }] } };
      const created = await fetch(`${h.api}/v1/campaigns`, { method: 'POST', headers, body: JSON.stringify(body) }).then((r) => r.json());
      assert.ok(created.id, JSON.stringify(created));
      for (const to of ['new', 'active']) assert.equal((await fetch(`${h.api}/v1/campaigns/${created.id}/transitions`, { method: 'POST', headers, body: JSON.stringify({ to }) })).status, 200);
      const { page } = await openPage(h.browser, `${h.partner.url}/index.html`);
      const statuses: number[] = [];
      for (const [kind, visitorId] of [
        ['like', 'visitor-locale-1'],
        ['enrol', 'visitor-locale-1'],
        ['enrol', 'visitor-locale-2'],
      ]) {
        statuses.push(await page.evaluate(async (url, pk, body) => (await fetch(url, { method: 'POST', headers: { 'X-Crm-Key': pk, 'Content-Type': 'application/json' }, body })).status, `${h.api}/v1/public/campaigns/LOCALES/${kind}`, h.pk, JSON.stringify({ visitorId })));
      }
      assert.deepEqual(statuses.map((status) => status < 300), [true, true, true], `engagements answered ${statuses.join(', ')}`);
      await page.close();
      return 'LOCALES';
    })();
    return locales;
  }

  it('keeps the loader plus the signup widget (Lit included) within 15.25 KB gzip', () => {
    const { signup } = measure();
    assert.ok(signup.gzip <= BUDGET_BYTES, `${signup.gzip} bytes gzip > ${BUDGET_BYTES}`);
  });

  it('does nothing when imported during server rendering (no window)', async () => {
    const loaded = await import(new URL('../dist/crm-widgets.js', import.meta.url).href);
    assert.equal(typeof loaded, 'object');
    assert.equal((globalThis as { CrmWidgets?: unknown }).CrmWidgets, undefined);
  });

  it('signs up through the widget on the partner origin: contact and lead attributed to campaign and referrer', async () => {
    const { page, errors } = await openPage(h.browser, `${h.partner.url}/index.html`);
    await fillSignup(page, { email: 'Grace.Hopper@Example.com', firstName: 'Grace', lastName: 'Hopper' });
    await submit(page);
    await inWidget(page, SIGNUP, '[part="message"]');
    assert.equal(await widgetText(page, SIGNUP, '[part="message"]'), 'Thanks! We will be in touch.');
    const events = await page.evaluate(() => (window as unknown as { __events: string[] }).__events);
    assert.ok(events.some((e) => e.startsWith('crm-signup-submitted')), events.join('\n'));
    const contact = await db().collection('contacts').findOne({ tenantId: h.tenantId, primaryEmail: 'grace.hopper@example.com' });
    assert.ok(contact, 'the contact is in the database');
    const lead = await db().collection('leads').findOne({ tenantId: h.tenantId, primaryEmail: 'grace.hopper@example.com' });
    assert.ok(lead, 'the lead is in the database');
    assert.equal(String(lead.campaignId), h.campaign.id);
    assert.equal(String(lead.ownerId), String(h.referrer.id), 'the referrer owns the lead');
    const signup = await db().collection('campaign_signups').findOne({ tenantId: h.tenantId, email: 'grace.hopper@example.com' });
    assert.equal(String(signup?.referrerId), String(h.referrer.id));
    assert.equal(signup?.referralCode, 'ANNA-2026');
    const mine = await fetch(`${h.api}/v1/campaigns/${h.campaign.id}/signups`, { headers: { Authorization: `Bearer ${h.referrer.token}` } }).then((r) => r.json());
    assert.ok(mine.data.some((s: { email: string }) => s.email === 'grace.hopper@example.com'), 'the referrer sees the signup');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('tells a page on an origin the key does not allow that the site is not allowed, and shows it nothing', async () => {
    const before = await count('campaign_signups', {});
    const { page } = await openPage(h.browser, `${h.stranger.url}/index.html`);
    await page.waitForFunction((host) => document.querySelector(host)?.shadowRoot?.querySelector('[part="status"]')?.textContent?.trim(), { timeout: 10_000 }, SIGNUP);
    assert.equal(await widgetText(page, SIGNUP, '[part="status"]'), 'This site is not allowed to show this campaign.');
    assert.equal(await page.evaluate((host) => document.querySelector(host)!.shadowRoot!.querySelector('form'), SIGNUP), null, 'no form is shown');
    assert.equal(await page.evaluate((host) => document.querySelector(host)!.shadowRoot!.querySelector('[part="title"]'), SIGNUP), null, 'no campaign data reached the page');
    await page.waitForFunction(() => document.querySelector('#card')?.shadowRoot?.querySelector('[part="status"]')?.textContent?.trim(), { timeout: 10_000 });
    assert.equal(await widgetText(page, '#card', '[part="status"]'), 'This site is not allowed to show this campaign.');
    // What the page itself can read: the refusal as a problem (CORS on errors), never the campaign.
    const answer = await page.evaluate(async (api, pk) => {
      const res = await fetch(`${api}/v1/public/campaigns/SPRING`, { headers: { 'X-Crm-Key': pk } });
      return { status: res.status, body: await res.json() };
    }, h.api, h.pk);
    assert.equal(answer.status, 403);
    assert.equal(answer.body.code, 'forbidden');
    assert.equal(answer.body.title, 'This action is not allowed');
    assert.equal(JSON.stringify(answer.body).includes('Spring referral'), false);
    assert.equal(await count('campaign_signups', {}), before);
    await page.close();
  });

  it('renders identically on a page with hostile global CSS and on a plain page', async () => {
    const shots: Buffer[] = [];
    const boxes: unknown[] = [];
    for (const name of ['plain', 'hostile']) {
      const { page } = await openPage(h.browser, `${h.partner.url}/${name}.html`, { viewport: { width: 1000, height: 1200 } });
      await inWidget(page, SIGNUP, 'form');
      await inWidget(page, '#card', '[part="title"]');
      await page.evaluate(() => document.fonts.ready);
      const signup = (await page.$(SIGNUP))!;
      const card = (await page.$('#card'))!;
      const box = await signup.boundingBox();
      boxes.push({ width: box?.width, height: box?.height });
      if (process.env.WIDGETS_SCREENSHOTS) console.log(name, JSON.stringify(box));
      shots.push(Buffer.from(await signup.screenshot()), Buffer.from(await card.screenshot()));
      if (process.env.WIDGETS_SCREENSHOTS) {
        await signup.screenshot({ path: `${process.env.WIDGETS_SCREENSHOTS}/${name}-signup.png` });
        await card.screenshot({ path: `${process.env.WIDGETS_SCREENSHOTS}/${name}-card.png` });
      }
      await page.close();
    }
    assert.deepEqual(boxes[0], boxes[1]);
    assert.ok(shots[0]!.equals(shots[2]!), 'the signup widget looks the same, pixel for pixel');
    assert.ok(shots[1]!.equals(shots[3]!), 'the campaign card looks the same, pixel for pixel');
  });

  it('runs under a strict Content-Security-Policy without a single violation, in plain, React and Vue hosts', async () => {
    assert.match(h.partner.policy, /script-src 'self';/);
    assert.doesNotMatch(h.partner.policy, /unsafe-inline|unsafe-eval/);
    for (const name of ['index', 'react', 'vue']) {
      const { page, errors } = await openPage(h.browser, `${h.partner.url}/${name}.html`);
      await inWidget(page, SIGNUP.replace('#signup', 'crm-referral-signup'), 'form');
      await inWidget(page, 'crm-campaign-card', '[part="title"]');
      const violations = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
      assert.deepEqual(violations, [], `${name}: ${violations.join(', ')}`);
      assert.deepEqual(errors, [], `${name}: ${errors.join(', ')}`);
      const adopted = await page.evaluate(() => document.querySelector('crm-referral-signup')!.shadowRoot!.adoptedStyleSheets.length);
      assert.ok(adopted > 0, 'styles come from constructable stylesheets');
      await page.close();
    }
  });

  it('lets React and Vue hosts hear the widget events', async () => {
    for (const [name, email] of [
      ['react', 'react.host@example.com'],
      ['vue', 'vue.host@example.com'],
    ] as const) {
      const { page } = await openPage(h.browser, `${h.partner2.url}/${name}.html`);
      const host = 'crm-referral-signup';
      await inWidget(page, host, 'form');
      const started = Date.now();
      for (const [field, text] of [
        ['email', email],
        ['firstName', name],
      ]) {
        const input = (await inWidget(page, host, `input[name="${field}"]`)).asElement() as ElementHandle<HTMLInputElement>;
        await input.type(text!);
      }
      await clickIn(page, host, 'input[name="consent"]');
      await delay(Math.max(0, MIN_FILL_MS + 300 - (Date.now() - started)));
      await clickIn(page, host, 'button[type="submit"]');
      await page.waitForFunction((id) => document.getElementById(id)?.textContent?.includes('signed up'), { timeout: 10_000 }, `${name}-status`);
      assert.equal(await count('contacts', { primaryEmail: email }), 1);
      await page.close();
    }
  });

  it('stores nothing for a filled honeypot, yet thanks the bot like a person', async () => {
    const { page } = await openPage(h.browser, `${h.partner2.url}/index.html`);
    await fillSignup(page, { email: 'bot@spam.example', firstName: 'Bot' });
    await page.evaluate((host) => {
      const trap = document.querySelector(host)!.shadowRoot!.querySelector<HTMLInputElement>('input[name="website"]')!;
      trap.value = 'http://spam.example';
    }, SIGNUP);
    await submit(page);
    await inWidget(page, SIGNUP, '[part="message"]');
    assert.equal(await count('campaign_signups', { email: 'bot@spam.example' }), 0);
    assert.equal(await count('contacts', { primaryEmail: 'bot@spam.example' }), 0);
    await page.close();
  });

  it('refuses a form sent faster than a person fills it, says when to retry, and keeps what was typed', async () => {
    const { page } = await openPage(h.browser, `${h.partner2.url}/index.html`);
    // As a script would: every field set at once, no key presses (typing can take longer than the minimum).
    await inWidget(page, SIGNUP, 'form');
    await page.evaluate((host) => {
      const root = document.querySelector(host)!.shadowRoot!;
      for (const [name, value] of [
        ['email', 'speedy@example.com'],
        ['firstName', 'Speedy'],
      ]) {
        const input = root.querySelector<HTMLInputElement>(`input[name="${name}"]`)!;
        input.value = value!;
        input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      }
      root.querySelector<HTMLInputElement>('input[name="consent"]')!.click();
      root.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    }, SIGNUP);
    await page.waitForFunction((host) => /\d+ seconds?/.test(document.querySelector(host)?.shadowRoot?.querySelector('[part="status"]')?.textContent ?? ''), { timeout: 10_000 }, SIGNUP);
    assert.equal(await page.evaluate((host) => document.querySelector(host)!.shadowRoot!.querySelector('[part="status"]')!.getAttribute('aria-live'), SIGNUP), 'polite');
    assert.deepEqual(await values(page), { email: 'speedy@example.com', firstName: 'Speedy', lastName: '', consent: 'true', website: '' });
    assert.equal(await count('campaign_signups', { email: 'speedy@example.com' }), 0);
    await page.close();
  });

  it('stops at the per-minute limit: the visitor sees the retry time, keeps the input, and nothing more is stored', async () => {
    const before = await count('campaign_signups', {});
    // partner2's key has its own bucket; earlier tests there used some of it.
    const { page } = await openPage(h.browser, `${h.partner2.url}/index.html`);
    let limited = false;
    for (let i = 0; i < SIGNUPS_PER_MINUTE + 1 && !limited; i += 1) {
      await page.reload({ waitUntil: 'load' });
      await fillSignup(page, { email: `burst${i}@example.com`, firstName: `Burst${i}` });
      await submit(page);
      await page.waitForFunction((host) => {
        const root = document.querySelector(host)?.shadowRoot;
        return root?.querySelector('[part="message"]') || /\d+ seconds?/.test(root?.querySelector('[part="status"]')?.textContent ?? '');
      }, { timeout: 10_000 }, SIGNUP);
      limited = /\d+ seconds?/.test(await widgetText(page, SIGNUP, '[part="status"]'));
      if (limited) assert.equal((await values(page)).email, `burst${i}@example.com`, 'the typed email is still there');
    }
    assert.ok(limited, 'the limit was reached');
    const stored = (await count('campaign_signups', {})) - before;
    assert.ok(stored < SIGNUPS_PER_MINUTE, `${stored} stored`);
    await page.close();
  });

  it('says the visitor is offline, and keeps what they typed', async () => {
    const { page } = await openPage(h.browser, `${h.partner.url}/index.html`);
    await fillSignup(page, { email: 'offline@example.com', firstName: 'Off' });
    await page.setOfflineMode(true);
    await submit(page);
    await page.waitForFunction((host) => /offline/i.test(document.querySelector(host)?.shadowRoot?.querySelector('[part="status"]')?.textContent ?? ''), { timeout: 15_000 }, SIGNUP);
    assert.equal((await values(page)).email, 'offline@example.com');
    await page.setOfflineMode(false);
    await page.close();
  });

  it('announces an invalid email next to the field, without sending anything', async () => {
    const { page } = await openPage(h.browser, `${h.partner.url}/index.html`);
    await fillSignup(page, { email: 'not-an-email', firstName: 'Inv' }, { wait: false });
    await submit(page);
    await inWidget(page, SIGNUP, 'input[name="email"][aria-invalid="true"]');
    const described = await page.evaluate((host) => {
      const root = document.querySelector(host)!.shadowRoot!;
      const input = root.querySelector('input[name="email"]')!;
      return root.getElementById(input.getAttribute('aria-describedby')!)?.textContent;
    }, SIGNUP);
    assert.match(described ?? '', /email address/);
    assert.equal(await page.evaluate((host) => document.querySelector(host)!.shadowRoot!.activeElement?.getAttribute('name'), SIGNUP), 'email', 'focus moves to the first invalid field');
    await page.close();
  });

  it('counts a view once per visitor when the card is seen, and likes and enrols once', async () => {
    const campaignId = h.campaign.id;
    const views = () => count('campaign_engagements', { kind: 'view' });
    const before = await views();
    const { page } = await openPage(h.browser, `${h.partner.url}/index.html`, { viewport: { width: 1280, height: 300 }, newVisitor: true });
    await inWidget(page, '#card', '[part="title"]');
    await delay(300);
    assert.equal(await views(), before, 'not counted while off screen');
    await page.evaluate(() => document.querySelector('#card')!.scrollIntoView());
    const deadline = Date.now() + 5000;
    while ((await views()) === before && Date.now() < deadline) await delay(50);
    assert.equal(await views(), before + 1);
    await clickIn(page, '#card', '[part="like"]');
    await page.waitForFunction(() => document.querySelector('#card')?.shadowRoot?.querySelector('[part="like"]')?.getAttribute('aria-pressed') === 'true', { timeout: 5000 });
    await page.reload({ waitUntil: 'load' });
    await inWidget(page, '#card', '[part="title"]');
    await page.evaluate(() => document.querySelector('#card')!.scrollIntoView());
    await delay(500);
    assert.equal(await views(), before + 1, 'the same visitor is not counted twice');
    assert.equal(await count('campaign_engagements', { kind: 'like' }), 1);
    const stats = await fetch(`${h.api}/v1/campaigns/${campaignId}/stats`, { headers: { Authorization: `Bearer ${h.agency.adminToken}` } }).then((r) => r.json());
    assert.equal(stats.totals.likes, 1);
    await page.close();
  });

  for (const [lang, expected] of [
    ['en', { counts: '1 like · 2 enrolments', period: 'Mar 5, 2026 – Apr 30, 2030', submit: 'Sign up', required: 'Email is required.' }],
    ['de', { counts: '1 Like · 2 Anmeldungen', period: '05.03.2026 – 30.04.2030', submit: 'Anmelden', required: 'Email ist ein Pflichtfeld.' }],
  ] as const) {
    it(`speaks ${lang}: a singular, a plural and the period through Intl, and the signup form's own words`, async () => {
      const code = await localeCampaign();
      const { page } = await openPage(h.browser, `${h.partner.url}/index.html`, { newVisitor: true });
      await page.evaluate((c, l) => {
        window.CrmWidgets!.mount('#slot', { widget: 'campaign-card', campaign: c, lang: l });
        window.CrmWidgets!.mount('#slot', { widget: 'referral-signup', campaign: c, lang: l });
      }, code, lang);
      const card = `#slot crm-campaign-card`;
      await inWidget(page, card, '[part="counts"]');
      const plain = (text: string) => text.replace(/\s+/g, ' ');
      assert.ok(plain(await widgetText(page, card, '[part="counts"]')).endsWith(`· ${expected.counts}`), await widgetText(page, card, '[part="counts"]'));
      assert.equal(plain(await widgetText(page, card, '[part="period"]')), expected.period);
      const signup = `#slot crm-referral-signup`;
      await inWidget(page, signup, 'form');
      assert.equal(await widgetText(page, signup, 'button[type="submit"]'), expected.submit);
      await clickIn(page, signup, 'button[type="submit"]');
      await inWidget(page, signup, 'input[name="email"][aria-invalid="true"]');
      assert.equal(await widgetText(page, signup, '[part="error"]'), expected.required);
      await page.close();
    });
  }

  it('is idempotent across two script tags, exposes one global, and mounts on demand in the page language', async () => {
    const { page, errors } = await openPage(h.browser, `${h.partner.url}/twice.html`);
    await inWidget(page, SIGNUP, 'form');
    assert.equal(await widgetText(page, SIGNUP, 'button[type="submit"]'), 'S’inscrire', 'lang="fr" gives French');
    const info = await page.evaluate(async () => {
      const api = window.CrmWidgets!;
      let ready = 0;
      api.on('ready', () => (ready += 1));
      const card = api.mount('#slot', { widget: 'campaign-card', campaign: 'SPRING' });
      await api.load('campaign-card');
      await customElements.whenDefined('crm-campaign-card');
      const globals = Object.keys(window).filter((k) => /crm/i.test(k));
      api.destroy(card);
      return { ready, globals, scripts: document.querySelectorAll('script[src*="crm-widgets"]').length, inDom: document.contains(card) };
    });
    assert.equal(info.scripts, 2);
    assert.deepEqual(info.globals, [], 'the namespace is not enumerable and nothing else is added');
    assert.equal(info.inDom, false);
    assert.deepEqual(errors, []);
    await page.close();
  });

  // The viewport is tall enough to show the whole page: a shift off screen would not count.
  for (const width of [390, 1280]) {
    for (const [name, hosts] of [
      ['index', ['#signup', '#card']],
      ['card', ['#card']],
    ] as const) {
      it(`causes no layout shift (CLS 0.00) at ${width} px under a strict CSP: ${hosts.length === 2 ? 'both widgets' : 'the card alone'}, rendered in the space reserved before they were defined`, async () => {
        const { page, errors } = await openPage(h.browser, `${h.partner.url}/${name}.html`, { viewport: { width, height: 2000 }, newVisitor: true });
        for (const host of hosts) await inWidget(page, host, host === SIGNUP ? 'form' : '[part="counts"]');
        await page.evaluate(() => document.fonts.ready);
        // Two frames after the last render: any shift it caused has been reported by then.
        await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
        const shift = await page.evaluate(() => (window as unknown as { __shifts: number }).__shifts);
        assert.equal(shift.toFixed(2), '0.00', `CLS ${shift}`);
        assert.equal(shift, 0);
        for (const host of hosts) {
          const box = await page.evaluate((selector) => {
            const element = document.querySelector<HTMLElement>(selector)!;
            return { height: element.getBoundingClientRect().height, reserved: parseFloat(getComputedStyle(element).minHeight) };
          }, host);
          assert.equal(box.height, box.reserved, `${host}: rendered ${box.height} px in ${box.reserved} px reserved`);
        }
        assert.deepEqual(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations), []);
        assert.deepEqual(errors, []);
        await page.close();
      });
    }
  }

  // Errors after a submit are the longest the form gets (German, the invalid-email line, at 390 px). Shifts
  // right after a click do not count towards CLS (hadRecentInput), so here every shift of anything outside
  // the widget is counted, input or not (inside its box, fields may move down under an error line).
  for (const width of [390, 1280]) {
    for (const lang of ['en', 'de']) {
      it(`keeps its reserved box at ${width} px in ${lang} when a submit shows every error: nothing on the page moves`, async () => {
        const { page, errors } = await openPage(h.browser, `${h.partner.url}/index.html`, { viewport: { width, height: 2000 }, newVisitor: true });
        await inWidget(page, SIGNUP, 'form');
        if (lang !== 'en') {
          // A fresh element with the language set, in the same place (the page itself is in English).
          await page.evaluate((host, l) => {
            const old = document.querySelector(host)!;
            const fresh = old.cloneNode() as HTMLElement;
            fresh.setAttribute('lang', l);
            old.replaceWith(fresh);
          }, SIGNUP, lang);
          await page.waitForFunction((host) => document.querySelector(host)?.shadowRoot?.querySelector('button[type="submit"]')?.textContent?.trim() === 'Anmelden', { timeout: 10_000 }, SIGNUP);
        }
        await page.evaluate(() => document.fonts.ready);
        const layout = () =>
          page.evaluate((host) => {
            const element = document.querySelector<HTMLElement>(host)!;
            return { height: element.getBoundingClientRect().height, reserved: parseFloat(getComputedStyle(element).minHeight), below: document.querySelector('#below')!.getBoundingClientRect().top };
          }, SIGNUP);
        const before = await layout();
        await page.evaluate((host) => {
          const w = window as unknown as { __pageShifts: number; __pageShiftSources: string[] };
          w.__pageShiftSources = [];
          // What moved is told by its rectangles (a node inside a shadow root is not named): a shift counts
          // unless it happened wholly within the widget's box, or in what scrolls inside it (its overflow
          // lies below the box, clipped, where the partner's page is not). (No named functions in here: the
          // test's transpiler would wrap them in a helper the page does not have.)
          const widget = document.querySelector(host)!;
          const box = widget.getBoundingClientRect();
          w.__pageShifts = 0;
          new PerformanceObserver((list) => {
            const overflow = Array.from(widget.shadowRoot!.querySelectorAll('*')).reduce((most, e) => Math.max(most, e.scrollHeight - e.clientHeight), 0);
            for (const entry of list.getEntries() as (PerformanceEntry & { value: number; sources: { previousRect: DOMRectReadOnly; currentRect: DOMRectReadOnly }[] })[]) {
              // A source whose rectangle is the same before and after did not move where anyone can see
              // (Chromium reports such a node in the widget's clipped overflow with a value near 0.00003).
              const outside = entry.sources.some(
                (source) =>
                  JSON.stringify(source.previousRect) !== JSON.stringify(source.currentRect) &&
                  [source.previousRect, source.currentRect].some((r) => r.width > 0 && (r.top < box.top - 0.5 || r.bottom > box.bottom + overflow + 0.5 || r.left < box.left - 0.5 || r.right > box.right + 0.5)),
              );
              if (outside || !entry.sources.length) {
                w.__pageShifts += entry.value;
                w.__pageShiftSources.push(JSON.stringify({ box, sources: entry.sources.map((source) => ({ node: String((source as unknown as { node: Node | null }).node?.nodeName), before: source.previousRect, after: source.currentRect })) }));
              }
            }
          }).observe({ type: 'layout-shift' });
        }, SIGNUP);
        // An empty submit: every field and the consent say what is missing, and the form says to fix them.
        await submit(page);
        await inWidget(page, SIGNUP, 'input[name="email"][aria-invalid="true"]');
        assert.ok((await page.evaluate((host) => document.querySelector(host)!.shadowRoot!.querySelectorAll('[part="error"]').length, SIGNUP)) >= 3);
        // Then the longest line: an email address that is not one.
        await typeInto(page, SIGNUP, 'email', 'not-an-address');
        await submit(page);
        const invalid = lang === 'de' ? 'Geben Sie eine E-Mail-Adresse wie name@beispiel.de ein.' : 'Enter an email address like name@example.com.';
        await page.waitForFunction((host, text) => Array.from(document.querySelector(host)!.shadowRoot!.querySelectorAll('[part="error"]')).some((e) => e.textContent === text), { timeout: 10_000 }, SIGNUP, invalid);
        await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
        const shown = await layout();
        assert.equal(shown.height, before.reserved, `rendered ${shown.height} px in ${before.reserved} px reserved`);
        assert.equal(shown.height, before.height);
        assert.equal(shown.below, before.below, 'the text below the widget did not move');
        const { shift, sources } = await page.evaluate(() => {
          const w = window as unknown as { __pageShifts: number; __pageShiftSources: string[] };
          return { shift: w.__pageShifts, sources: w.__pageShiftSources };
        });
        assert.equal(shift, 0, `the partner's page shifted by ${shift} after the errors were shown: ${sources.join('; ')}`);
        // CLS as reported (to two decimals, 0.00): Chromium can count a node of the widget's clipped
        // overflow that did not move (about 0.00003 at 390 px in English); the rectangles above prove
        // that nothing outside the widget moved.
        const cls = await page.evaluate(() => (window as unknown as { __shifts: number }).__shifts);
        assert.ok(cls < 0.0001, `CLS ${cls}`);
        // What does not fit scrolls inside the box; focus is on the first field to fix.
        assert.equal(await page.evaluate((host) => document.querySelector(host)!.shadowRoot!.activeElement?.getAttribute('name'), SIGNUP), 'email');
        assert.deepEqual(errors, []);
        await page.close();
      });
    }
  }

  // axe-core's own file, evaluated through the DevTools protocol (which a page's CSP does not govern).
  const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  for (const width of [390, 1280]) {
    it(`is axe-clean (WCAG 2.1 A/AA) at ${width} px: the form, the card, and the "site not allowed" message`, async () => {
      for (const [site, ready] of [
        [h.partner, ['form', '[part="counts"]']],
        [h.stranger, ['[part="status"]:not(:empty)', '[part="status"]:not(:empty)']],
      ] as const) {
        const { page } = await openPage(h.browser, `${site.url}/index.html`, { viewport: { width, height: 2000 }, newVisitor: true });
        await inWidget(page, SIGNUP, ready[0]);
        await inWidget(page, '#card', ready[1]);
        await page.evaluate(axeSource);
        const audit = () =>
          page.evaluate(async () => {
            const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> } }).axe;
            const result = await axe.run({ include: [['#signup'], ['#card']] }, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
            return result.violations.map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
          });
        const violations = await audit();
        assert.deepEqual(violations, [], `${site.url}: ${violations.join('\n')}`);
        // The audit reaches inside the shadow roots: an unlabeled button put there is found.
        await page.evaluate(() => document.querySelector('#card')!.shadowRoot!.querySelector('.root')!.append(document.createElement('button')));
        assert.ok((await audit()).some((v) => v.startsWith('button-name')), 'axe sees into the shadow root');
        await page.close();
      }
    });
  }

  it('loads only the card on a page with only a card (no signup module, no second locale)', async () => {
    const page = await (await h.browser.createBrowserContext()).newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
    await page.goto(`${h.partner.url}/card.html`, { waitUntil: 'load' });
    await inWidget(page, '#card', '[part="counts"]');
    const scripts = requested.filter((path) => path.startsWith('/widgets/'));
    assert.ok(scripts.includes('/widgets/crm-widgets.js'), scripts.join(', '));
    assert.ok(scripts.includes('/widgets/crm-campaign-card.js'), scripts.join(', '));
    assert.ok(scripts.some((path) => /^\/widgets\/crm-widgets-shared-[\w-]+\.js$/.test(path)), scripts.join(', '));
    assert.deepEqual(
      scripts.filter((path) => /referral-signup|locale/.test(path)),
      [],
      `requested: ${scripts.join(', ')}`,
    );
    await page.browserContext().close();
  });

  it('runs from the files the API serves at /widgets/<version>/ (immutable, compressed, CORS, SRI-checked) on a page allowing the CRM origin', async () => {
    const port = await freePort();
    const origin = `http://localhost:${port}`;
    const created = await fetch(`${h.api}/v1/api-keys`, { method: 'POST', headers: { Authorization: `Bearer ${h.agency.adminToken}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ kind: 'publishable', name: origin, allowedOrigins: [origin] }) });
    assert.equal(created.status, 201);
    const site = await startPartnerSite({ port, host: 'localhost', api: h.api, key: ((await created.json()) as { key: string }).key, widgetsFromApi: true });
    try {
      const served: { path: string; status: number; headers: Record<string, string> }[] = [];
      const { page, errors } = await openPage(h.browser, `${site.url}/hosted.html`, {
        newVisitor: true,
        beforeLoad: (tab) =>
          tab.on('response', (response) => {
            const url = new URL(response.url());
            if (url.pathname.startsWith('/widgets/')) served.push({ path: url.pathname, status: response.status(), headers: response.headers() });
          }),
      });
      await inWidget(page, SIGNUP, 'form');
      await inWidget(page, '#card', '[part="counts"]');
      const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
      const paths = served.map((r) => r.path);
      for (const file of ['crm-widgets.css', 'crm-widgets.js', 'crm-referral-signup.js', 'crm-campaign-card.js']) assert.ok(paths.includes(`/widgets/${version}/${file}`), paths.join(', '));
      for (const response of served) {
        assert.equal(response.status, 200, response.path);
        assert.equal(response.headers['cache-control'], 'public, max-age=31536000, immutable', response.path);
        assert.equal(response.headers['access-control-allow-origin'], '*', response.path);
        assert.match(response.headers['content-type'] ?? '', /^text\/(javascript|css); charset=utf-8$/, response.path);
        assert.match(response.headers['content-encoding'] ?? '', /^(br|gzip)$/, response.path);
      }
      const violations = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
      assert.deepEqual(violations, [], violations.join(', '));
      assert.deepEqual(errors, [], errors.join(', '));
      const shift = await page.evaluate(() => (window as unknown as { __shifts: number }).__shifts);
      assert.equal(shift, 0, `CLS ${shift}`);
      await page.close();
    } finally {
      await site.close();
    }
  });

  it("quotes in the README's snippet the SRI hashes of the built loader and stylesheet, at the served version", () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const manifest = JSON.parse(readFileSync(new URL('../dist/crm-widgets.sri.json', import.meta.url), 'utf8')) as { version: string; files: Record<string, string> };
    assert.equal(manifest.version, version);
    for (const file of ['crm-widgets.js', 'crm-widgets.css']) {
      const built = integrity(readFileSync(new URL(`../dist/${file}`, import.meta.url)));
      assert.equal(manifest.files[file], built, `the manifest's hash of ${file}`);
      const quoted = new RegExp(`(?:src|href)="https://crm\\.example\\.com/widgets/([^/"]+)/${file.replace('.', '\\.')}"\\s+integrity="(sha384-[A-Za-z0-9+/=]+)"\\s+crossorigin="anonymous"`).exec(readme);
      assert.ok(quoted, `the README's snippet loads ${file} with integrity and crossorigin="anonymous"`);
      assert.equal(quoted[1], version, `the README's URL of ${file} has the version`);
      assert.equal(quoted[2], built, `the README's hash of ${file} is the built file's (update the README after changing it)`);
    }
  });
});
