// The first day of a sales team in the internal portal, at a desk (1280 px) and on a phone (390 px), as
// `npm start` serves it: the portal at /app/ on the API's own origin, the demo agency, and every email
// through SMTP into the mail catcher (scripts/first-day-api-plugin.mjs runs that API and proxies it onto
// the test runner's origin). Everything a person does goes through the portal's pages in Chromium; the
// test's own SDK client only arranges and reads the API's state afterwards. axe must find nothing, the
// page's CSP must never fire, and a phone never scrolls sideways.
import { createCrmClient, type CrmClient } from '@crm/client-sdk';
import type * as Axe from 'axe-core';
import { expect } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import { until } from '../test/live-api.js';

interface FirstDay {
  appUrl: string;
  email: string;
  password: string;
  tenantName: string;
  error?: string;
}

interface CaughtMail {
  subject: string;
  text: string;
  to: string;
}

/** The portal in a same-origin frame of `width` px, and what went wrong in it. */
interface Portal {
  frame: HTMLIFrameElement;
  win: Window & { axe?: typeof Axe };
  doc: Document;
  problems: string[];
  close(): void;
}

const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
/** axe-core as the test runner serves it from the repository's node_modules (a file of this origin). */
const axeScript = '/__wds-outside-root__/2/node_modules/axe-core/axe.min.js';

function text(node: Node | null | undefined): string {
  return (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

function shadowOf(root: ParentNode | null | undefined, selector: string): ShadowRoot | null {
  return root?.querySelector(selector)?.shadowRoot ?? null;
}

/** The `<input>` inside the `<crm-text-field name>` under `root`. */
function input(root: ParentNode | null | undefined, name: string): HTMLInputElement | null {
  return root?.querySelector(`crm-text-field[name="${name}"]`)?.shadowRoot?.querySelector('input') ?? null;
}

async function typeInto(field: HTMLElement, value: string): Promise<void> {
  field.focus();
  await sendKeys({ type: value });
}

async function open(url: string, width: number): Promise<Portal> {
  const height = width < 600 ? 844 : 900;
  await setViewport({ width, height });
  const frame = document.createElement('iframe');
  frame.title = 'portal';
  frame.style.cssText = `position: fixed; inset: 0; width: ${width}px; height: ${height}px; border: 0; background: white`;
  const problems: string[] = [];
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  frame.src = url;
  document.body.append(frame);
  await loaded;
  const portal = { frame, problems, close: () => frame.remove() } as Portal;
  watch(portal);
  return portal;
}

/** (Re)attaches the problem listeners to the frame's current document. */
function watch(portal: Portal): void {
  portal.win = portal.frame.contentWindow as Portal['win'];
  portal.doc = portal.frame.contentDocument!;
  portal.doc.addEventListener('securitypolicyviolation', (e) => portal.problems.push(`CSP ${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
  portal.win.addEventListener('error', (e) => portal.problems.push(`error ${e.message}`));
  portal.win.addEventListener('unhandledrejection', (e) => portal.problems.push(`unhandled ${String(e.reason)}`));
}

/** Sends the frame to `url` (an email's link, say) and waits for the new page. */
async function go(portal: Portal, url: string): Promise<void> {
  const loaded = new Promise((resolve) => portal.frame.addEventListener('load', resolve, { once: true }));
  portal.frame.src = url;
  await loaded;
  watch(portal);
}

/** axe (WCAG 2.x A/AA) over the portal's whole document, shadow roots included: nothing allowed. */
async function expectAccessible(portal: Portal, where: string): Promise<void> {
  if (!portal.win.axe) {
    const script = portal.doc.createElement('script');
    const loaded = new Promise((resolve, reject) => {
      script.addEventListener('load', resolve, { once: true });
      script.addEventListener('error', reject, { once: true });
    });
    script.src = axeScript;
    portal.doc.head.append(script);
    await loaded;
  }
  const results = await portal.win.axe!.run(portal.doc, { runOnly: { type: 'tag', values: wcagTags } });
  const report = results.violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  expect(report, `axe on ${where}`).to.deep.equal([]);
}

/** A phone never scrolls sideways, and the host's own controls are at least 44 px tall. */
function expectFits(portal: Portal, where: string): void {
  const { scrollWidth } = portal.doc.documentElement;
  expect(scrollWidth, `page width on ${where}`).to.be.at.most(portal.win.innerWidth);
  const small = [...portal.doc.querySelectorAll<HTMLElement>('button, select, nav a')]
    .filter((el) => el.getClientRects().length > 0 && el.getBoundingClientRect().height < 44)
    .map((el) => `${el.localName}#${el.id || text(el)} ${Math.round(el.getBoundingClientRect().height)}px`);
  expect(small, `touch targets on ${where}`).to.deep.equal([]);
}

/**
 * Declares the first day's tests for one part: the work at a desk (`desk`, 1280 px) or on a phone
 * (`phone`, 390 px), every page at either width (`desk-pages`, `phone-pages`), or the invitation email
 * (`links`). Each part is its own test file, so each stays inside the runner's time per file.
 */
export function describeFirstDay(part: 'desk' | 'desk-pages' | 'phone' | 'phone-pages' | 'links'): void {
  describe(`the first day in the portal at /app/ (the API serving it, the demo agency, the mail catcher): ${part}`, () => {
    let day: FirstDay;
    let crm: CrmClient;

    before(async function () {
      this.timeout(120_000);
      day = (await (await fetch('/__crm-e2e/first-day')).json()) as FirstDay;
      if (day.error) throw new Error(`The first-day API did not start: ${day.error}`);
      // The test's own client (same origin as the portal), to arrange and check the API's state.
      crm = createCrmClient({ baseUrl: location.origin, auth: { type: 'session', email: day.email, password: day.password } });
      await crm.session!.login();
    });

    afterEach(async () => {
      await setViewport({ width: 800, height: 600 });
    });

    /** Waits for the provider's sign-in form and signs in as a person would. */
    async function signIn(portal: Portal, email: string, password: string): Promise<void> {
      const provider = () => portal.doc.querySelector('crm-provider');
      await until(() => Boolean(input(provider()?.shadowRoot, 'password')), 15_000, 'the sign-in form');
      await typeInto(input(provider()!.shadowRoot, 'email')!, email);
      await typeInto(input(provider()!.shadowRoot, 'password')!, password);
      await sendKeys({ press: 'Enter' });
      await until(() => Boolean(portal.doc.querySelector('crm-contact-list')), 15_000, 'the portal after sign-in');
    }

    /** The newest email to `to` whose subject matches, from the mail catcher (polled with a deadline). */
    async function mailTo(to: string, subject: RegExp, after: number): Promise<CaughtMail> {
      const deadline = performance.now() + 20_000;
      for (;;) {
        const mails = (await (await fetch(`/__crm-e2e/first-day/mail?to=${encodeURIComponent(to)}`)).json()) as Array<CaughtMail & { receivedAt: string }>;
        const found = mails.find((m) => subject.test(m.subject) && Date.parse(m.receivedAt) >= after);
        if (found) return found;
        if (performance.now() > deadline) throw new Error(`no email "${subject}" to ${to}; the catcher has: ${mails.map((m) => m.subject).join(' | ')}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    /** The link into the portal that an email carries, for `page`. */
    function linkIn(mail: CaughtMail, page: string): string {
      const link = new RegExp(`https?://[^\\s"'<>]+/app/${page}\\?token=[^\\s"'<>]+`).exec(mail.text)?.[0];
      expect(link, `a /app/${page} link in "${mail.subject}": ${mail.text}`).to.be.a('string');
      expect(new URL(link!).origin).to.equal(location.origin);
      return link!;
    }

    const rows = (portal: Portal) => [...(shadowOf(portal.doc, 'crm-contact-list')?.querySelectorAll<HTMLElement>('[part="row"]') ?? [])];

    /** Opens the first seeded contact, changes its job title, saves, and checks the API holds the edit. */
    async function editSeededContact(portal: Portal, phone: boolean, jobTitle: string): Promise<void> {
      await until(() => rows(portal).length > 0, 15_000, 'seeded contacts in the list');
      const row = rows(portal)[0]!;
      const name = text(row.querySelector('.name'));
      row.querySelector<HTMLElement>('.name')!.click();
      const viewer = portal.doc.querySelector<HTMLElement & { contactId: string }>('crm-contact-viewer')!;
      await until(() => !viewer.hidden && text(viewer.shadowRoot?.querySelector('[part="name"]')).includes(name), 15_000, `the viewer showing ${name}`);
      const list = portal.doc.querySelector<HTMLElement>('.list-pane')!;
      // On a phone the contact takes the screen (with a way back); at a desk the list stays beside it.
      expect(list.getClientRects().length > 0, 'list visible beside the contact').to.equal(!phone);
      // On a phone, focus moves to the way back rather than falling to the page with the hidden list.
      if (phone) expect(portal.doc.activeElement?.id).to.equal('back-to-contacts');
      const before = await crm.contacts.get(viewer.contactId);

      viewer.shadowRoot!.querySelector<HTMLElement>('[part="edit-button"]')!.click();
      const editor = portal.doc.querySelector<HTMLElement>('crm-contact-editor')!;
      await until(() => !editor.hidden && input(editor.shadowRoot, 'firstName')?.value === before.firstName, 15_000, 'the editor holding the contact');
      await expectAccessible(portal, 'the contact editor');
      expectFits(portal, 'the contact editor');
      const job = input(editor.shadowRoot, 'jobTitle')!;
      job.select();
      await typeInto(job, jobTitle);
      editor.shadowRoot!.querySelector<HTMLElement>('[part="save-button"]')!.click();
      await until(() => !viewer.hidden && editor.hidden, 15_000, 'the saved contact back in the viewer');
      await until(() => text(viewer.shadowRoot).includes(jobTitle), 15_000, 'the viewer showing the new job title');
      expect(text(portal.doc.getElementById('status'))).to.include(name);

      const after = await crm.contacts.get(viewer.contactId);
      expect(after.jobTitle).to.equal(jobTitle);
      expect(after.version).to.equal(before.version + 1);
      expect(after.emails).to.deep.equal(before.emails);

      if (phone) {
        portal.doc.getElementById('back-to-contacts')!.click();
        await until(() => list.getClientRects().length > 0, 5000, 'the list again on the phone');
      }
    }

    /** Searches the contact list for "lisbon" and sees what the API finds. */
    async function searchLisbon(portal: Portal): Promise<void> {
      const expected = await crm.contacts.list({ q: 'lisbon', limit: 50 });
      const search = input(shadowOf(portal.doc, 'crm-contact-list'), 'search')!;
      await typeInto(search, 'lisbon');
      const names = expected.data.map((c) => `${c.firstName} ${c.lastName}`);
      expect(names.length, 'demo contacts living in Lisbon').to.be.greaterThan(0);
      // Only Lisbon's contacts, as many as the API finds (or as fit the list's height: it renders the rows in view).
      const shown = () => rows(portal).map(text);
      const lisbonOnly = () => shown().length >= Math.min(names.length, 3) && shown().every((row) => names.some((n) => row.includes(n)));
      await until(lisbonOnly, 15_000, 'the list showing only Lisbon contacts').catch((error: Error) => {
        throw new Error(`${error.message}: the API finds ${names.join(', ')}; the list shows ${shown().join(' | ')}`);
      });
      // Clear the search again, as a person would before moving on.
      search.select();
      await sendKeys({ press: 'Backspace' });
    }

    /** Opens the pipeline through the nav (behind the Menu button on a phone). */
    async function goTo(portal: Portal, view: string, phone: boolean): Promise<void> {
      const nav = portal.doc.getElementById('nav')!;
      const menu = portal.doc.getElementById('menu')!;
      if (phone) {
        expect(nav.getClientRects().length, 'nav collapsed on a phone').to.equal(0);
        menu.click();
        expect(menu.getAttribute('aria-expanded')).to.equal('true');
        expect(nav.getClientRects().length, 'nav open').to.be.greaterThan(0);
      } else {
        expect(menu.getClientRects().length, 'no menu button at a desk').to.equal(0);
      }
      // Admin appears once the portal knows the person administers the agency (crm.auth.me()).
      await until(() => !nav.querySelector<HTMLElement>(`a[data-view="${view}"]`)!.hidden, 10_000, `the ${view} link`);
      nav.querySelector<HTMLElement>(`a[data-view="${view}"]`)!.click();
      await until(() => !portal.doc.querySelector<HTMLElement>(`section[data-view="${view}"]`)!.hidden, 5000, `the ${view} view`);
      if (phone) expect(nav.getClientRects().length, 'nav closed after picking').to.equal(0);
    }

    /** Opens a card on the board (in place, in the board's dialog), picks a Lost stage, gives the reason, saves. */
    async function markLost(portal: Portal, board: Element, reason: string): Promise<void> {
      const card = board.shadowRoot!.querySelector<HTMLElement>('[part~="card"][data-id]')!;
      const id = card.dataset.id!;
      const before = await crm.opportunities.get(id);
      const pipeline = await crm.pipelines.get(before.pipelineId);
      const lost = pipeline.stages.find((stage) => stage.kind === 'lost')!;
      expect(lost, 'a Lost stage in the seeded pipeline').to.not.equal(undefined);
      // Names, never ids: the card's column says the stage's name.
      const stageOf = pipeline.stages.find((stage) => stage.key === before.stage)!;
      expect(text(card.closest('[part~="column"]')?.querySelector('[part~="column-header"]'))).to.include(stageOf.name);

      card.click();
      const dialog = () => board.shadowRoot!.querySelector<HTMLDialogElement>('dialog[part="editor-dialog"]');
      const editor = () => dialog()?.querySelector('crm-opportunity-editor')?.shadowRoot;
      await until(() => Boolean(dialog()?.open) && Boolean(editor()?.querySelector('crm-select-field[name="stage"]')?.shadowRoot?.querySelector('select')), 15_000, 'the deal open in place');
      expect(input(editor(), 'name')?.value).to.equal(before.name);
      const stage = editor()!.querySelector('crm-select-field[name="stage"]')!.shadowRoot!.querySelector('select')!;
      expect([...stage.options].map((o) => o.text)).to.include(lost.name);
      stage.focus();
      stage.value = lost.key;
      stage.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      stage.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
      await until(() => Boolean(input(editor(), 'lostReason')), 5000, 'the lost reason asked for');
      await expectAccessible(portal, 'the deal editor with a lost reason');
      expectFits(portal, 'the deal editor');
      await typeInto(input(editor(), 'lostReason')!, reason);
      editor()!.querySelector<HTMLElement>('[part="save-button"]')!.click();
      await until(() => text(portal.doc.getElementById('status')).includes(`Saved ${before.name}`), 15_000, 'the deal saved');

      const after = await crm.opportunities.get(id);
      expect(after.stage).to.equal(lost.key);
      expect(after.lostReason).to.equal(reason);
      if (dialog()?.open) {
        await sendKeys({ press: 'Escape' });
        await until(() => !dialog()?.open, 5000, 'the dialog closed');
      }
    }

    /** Creates a task from the task list's form, sees it listed, and marks it done. */
  async function createAndCompleteTask(portal: Portal, title: string): Promise<void> {
    const list = portal.doc.querySelector('crm-task-list')!;
    const root = () => list.shadowRoot!;
    root().querySelector<HTMLElement>('[part="new-task-button"]')!.click();
    await until(() => Boolean(input(root().querySelector('[part="new-task"]'), 'title')), 5000, 'the new-task form');
    await expectAccessible(portal, 'the new-task form');
    expectFits(portal, 'the new-task form');
    await typeInto(input(root().querySelector('[part="new-task"]'), 'title')!, title);
    await sendKeys({ press: 'Enter' });
    await until(() => text(portal.doc.getElementById('status')) === `Task ${title} created`, 15_000, 'the task created');
    const row = () => [...root().querySelectorAll<HTMLElement>('[data-task]')].find((r) => text(r).includes(title));
    await until(() => Boolean(row()?.querySelector('[data-to="done"]')), 10_000, 'the new task listed with Done');
    const id = row()!.dataset.task!;
    expect((await crm.tasks.get(id)).status).to.not.equal('done');
    row()!.querySelector<HTMLElement>('[data-to="done"]')!.click();
    await until(() => text(portal.doc.getElementById('status')).startsWith(`Task ${title} is now`), 15_000, 'the task done');
    expect((await crm.tasks.get(id)).status).to.equal('done');
  }

  /** New campaign: details, a seeded segment, a written message with a merge field, its preview, a test to me. */
  async function writeCampaignAndSendTest(portal: Portal, width: number): Promise<void> {
    portal.doc.getElementById('new-campaign')!.click();
    const creator = () => portal.doc.querySelector<HTMLElement>('crm-campaign-creator:not([hidden])')?.shadowRoot;
    const heading = () => text(creator()?.querySelector('#step-heading'));
    const next = () => creator()!.querySelector<HTMLElement>('button[type="submit"]')!.click();
    await until(() => Boolean(input(creator(), 'title')), 15_000, 'the campaign creator');
    await expectAccessible(portal, 'the campaign creator');
    expectFits(portal, 'the campaign creator');
    const title = `Autumn offer ${width}`;
    await typeInto(input(creator(), 'title')!, title);
    await typeInto(input(creator(), 'code')!, `FD-${width}`);
    await sendKeys({ press: 'Enter' });
    await until(() => heading() === 'Audience', 15_000, 'the audience step');
    const segment = () => creator()!.querySelector('crm-select-field[name="segmentId"]')?.shadowRoot?.querySelector('select');
    await until(() => [...(segment()?.options ?? [])].some((o) => o.value), 15_000, 'the seeded segments');
    const select = segment()!;
    select.value = [...select.options].find((o) => o.value)!.value;
    select.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    select.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
    next();
    await until(() => heading() === 'Message', 15_000, 'the message step');

    creator()!.querySelector<HTMLElement>('input[name="message-kind"][value="written"]')!.click();
    await until(() => Boolean(input(creator(), 'subject')), 5000, 'the writing fields');
    await typeInto(input(creator(), 'subject')!, `Our autumn offer, `);
    creator()!.querySelector<HTMLElement>('button.merge-field[data-field="recipient.firstName"]')!.focus();
    await sendKeys({ press: 'Enter' });
    await typeInto(creator()!.querySelector<HTMLTextAreaElement>('#message-body')!, 'Two days in Lisbon, with a seat kept for you.');
    // The API renders it for a real member of the segment: no merge field is left unfilled.
    await until(() => text(creator()!.querySelector('[part="preview"] .body')).includes('Two days in Lisbon'), 15_000, 'the preview');
    expect(text(creator()!.querySelector('[part="preview"] .subject'))).to.not.include('{{');
    await expectAccessible(portal, 'the message step');
    expectFits(portal, 'the message step');

    const asked = Date.now() - 1000;
    [...creator()!.querySelectorAll<HTMLElement>('[part="test-send"] button')][0]!.click();
    await until(() => text(creator()!.querySelector('.test-status')) === `Test sent to ${day.email}.`, 15_000, 'the test sent');
    // It really went out: the mail catcher holds it, with the merge field filled.
    const mail = await mailTo(day.email, /Our autumn offer/, asked);
    expect(mail.subject).to.not.include('{{');
    expect(mail.text).to.include('Two days in Lisbon');

    portal.doc.getElementById('campaign-list-back')!.click();
    await until(() => !portal.doc.querySelector<HTMLElement>('crm-campaign-list')!.hidden, 5000, 'the campaign list again');
  }

  /** Waits until the visible elements of the current view have loaded (no loading state left). */
    async function settled(portal: Portal, where: string): Promise<void> {
      const visible = () => [...portal.doc.querySelectorAll<HTMLElement>('main section:not([hidden]) > *:not([hidden])')].filter((el) => el.localName.startsWith('crm-'));
      await until(() => visible().length > 0 && visible().every((el) => el.shadowRoot && el.shadowRoot.childElementCount > 0 && !el.shadowRoot.querySelector('crm-state[kind="loading"]')), 15_000, `${where} loaded`);
    }

    /** Resets a demo user's password through the emailed link and signs in with the new one. */
    async function resetPassword(portal: Portal, email: string, password: string): Promise<void> {
      const asked = Date.now() - 1000;
      await crm.auth.requestPasswordReset({ email });
      const mail = await mailTo(email, /password/i, asked);
      await go(portal, linkIn(mail, 'reset-password'));
      await until(() => Boolean(input(portal.doc, 'password')), 15_000, 'the reset-password page');
      expect(text(portal.doc.querySelector('h1'))).to.equal('Choose a new password');
      await expectAccessible(portal, 'the reset-password page');
      expectFits(portal, 'the reset-password page');
      await typeInto(input(portal.doc, 'password')!, password);
      await sendKeys({ press: 'Enter' });
      await until(() => text(portal.doc.getElementById('status')).includes('Your password is changed'), 15_000, 'the password changed');
      // The address no longer carries the token; the sign-in form takes the new password.
      expect(portal.win.location.pathname).to.match(/\/app\/$/);
      await signIn(portal, email, password);
      expect(text(portal.doc.getElementById('status'))).to.include('Signed in as');
    }

    const width = part.startsWith('phone') ? 390 : 1280;
    const phone = width < 600;

    if (part === 'desk' || part === 'phone') {
      it(`at ${width} px: signs in, edits and saves a seeded contact, searches "lisbon", marks a deal lost with a reason, resets a password from the email`, async function () {
        this.timeout(110_000);
        const portal = await open(day.appUrl, width);
        try {
          await signIn(portal, day.email, day.password);
          await expectAccessible(portal, 'contacts');
          expectFits(portal, 'contacts');

          await editSeededContact(portal, phone, phone ? 'Head of Events (phone)' : 'Head of Events');
          expectFits(portal, 'contacts after editing');
          await searchLisbon(portal);

          await goTo(portal, 'pipeline', phone);
          const board = portal.doc.querySelector('crm-pipeline-board')!;
          await until(() => (board.shadowRoot?.querySelectorAll('[part~="card"]').length ?? 0) > 0, 15_000, 'the seeded deals on the board');
          await expectAccessible(portal, 'pipeline');
          expectFits(portal, 'pipeline');
          await markLost(portal, board, `Budget moved to ${width} px next year`);

          portal.doc.getElementById('sign-out')!.click();
          await resetPassword(portal, phone ? 'se@demo.crm.test' : 'sales@demo.crm.test', `first-day ${width} password`);
          expect(portal.problems).to.deep.equal([]);
        } finally {
          portal.close();
        }
      });
    }

    if (part === 'desk-pages' || part === 'phone-pages') {
      it(`at ${width} px: every page through the nav is accessible and fits; creates and completes a task; writes a campaign message and sends a test (into the mail catcher)`, async function () {
        this.timeout(110_000);
        const portal = await open(day.appUrl, width);
        try {
          await signIn(portal, day.email, day.password);
          for (const view of ['leads', 'customers', 'tasks', 'campaigns']) {
            await goTo(portal, view, phone);
            await settled(portal, view);
            await expectAccessible(portal, view);
            expectFits(portal, view);
            if (view === 'tasks') await createAndCompleteTask(portal, `Call the venue (${width} px)`);
          }
          await writeCampaignAndSendTest(portal, width);

          await goTo(portal, 'admin', phone);
          for (const tab of ['workflows', 'fields', 'templates', 'products']) {
            portal.doc.querySelector<HTMLElement>(`a[data-admin="${tab}"]`)!.click();
            await until(() => !portal.doc.querySelector<HTMLElement>(`section[data-view="admin"] > [data-admin="${tab}"]`)!.hidden, 5000, `the ${tab} tab`);
            await settled(portal, `admin ${tab}`);
            await expectAccessible(portal, `admin ${tab}`);
            expectFits(portal, `admin ${tab}`);
          }

          if (phone) {
            // Dark and German on a phone: the same page, still clean.
            await goTo(portal, 'contacts', phone);
            portal.doc.getElementById('theme')!.click();
            const locale = portal.doc.getElementById('locale') as HTMLSelectElement;
            locale.value = 'de';
            locale.dispatchEvent(new Event('change'));
            await until(() => input(shadowOf(portal.doc, 'crm-contact-list'), 'search')?.closest('crm-text-field')?.getAttribute('label') === 'Suchen' || shadowOf(portal.doc, 'crm-contact-list')?.querySelector('crm-text-field[name="search"]')?.getAttribute('label') === 'Suchen', 5000, 'the list in German');
            expect(text(portal.doc.getElementById('menu'))).to.equal('Menü');
            await expectAccessible(portal, 'contacts, dark, German');
            expectFits(portal, 'contacts, dark, German');
            portal.doc.getElementById('theme')!.click();
            locale.value = 'en';
            locale.dispatchEvent(new Event('change'));
          }

          expect(portal.problems).to.deep.equal([]);
        } finally {
          portal.close();
        }
      });
    }

    if (part === 'links') it('says what went wrong on a reset link that no longer works, and sends a verification link on to sign-in', async function () {
      this.timeout(60_000);
      const portal = await open(`${day.appUrl}reset-password?token=${'x'.repeat(40)}`, 1280);
      try {
        await until(() => Boolean(input(portal.doc, 'password')), 15_000, 'the reset-password page');
        await typeInto(input(portal.doc, 'password')!, 'a-new-password-1');
        await sendKeys({ press: 'Enter' });
        // The API's refusal, in words, with what to do; the form stays for another try.
        await until(() => text(portal.doc.querySelector('.link-error')).startsWith('This link did not work:'), 15_000, 'the refusal shown');
        expect(text(portal.doc.querySelector('.link-error'))).to.include('Ask for a new email');
        expect(portal.win.location.pathname).to.match(/\/app\/reset-password$/);
        await expectAccessible(portal, 'a refused reset link');

        // This API sends no verification emails: such a link says so and offers the sign-in form.
        await go(portal, `${day.appUrl}verify-email?token=${'y'.repeat(40)}`);
        await until(() => Boolean(input(portal.doc.querySelector('crm-provider')?.shadowRoot, 'password')), 15_000, 'the sign-in form');
        expect(text(portal.doc.getElementById('status'))).to.include('does not confirm email addresses');
        expect(portal.win.location.pathname).to.match(/\/app\/$/);
        expect(portal.win.location.search).to.equal('');
        await expectAccessible(portal, 'the verification link');
        expect(portal.problems).to.deep.equal([]);
      } finally {
        portal.close();
      }
    });

    if (part === 'links') it('signs up a new agency, follows the link from the mail catcher to its signed-in portal at 390 px, and refuses the link used again', async function () {
      this.timeout(90_000);
      const email = `fay.${Date.now()}@founders.test`;
      const asked = Date.now() - 1000;
      const founder = createCrmClient({ baseUrl: location.origin, auth: { type: 'session' } });
      const pending = await founder.session!.register({ agency: { name: 'Founders Porto' }, admin: { name: 'Fay Founder', email, password: 'fay-first-password' } });
      expect(pending.status).to.equal('accepted');
      const link = linkIn(await mailTo(email, /sign-up/i, asked), 'confirm-registration');
      const portal = await open(link, 390);
      try {
        const button = () => portal.doc.querySelector<HTMLButtonElement>('.link-submit');
        await until(() => text(button()) === 'Create my agency and sign in', 15_000, 'the confirm-registration page');
        expect(text(portal.doc.querySelector('.link-heading'))).to.equal('Finish signing up');
        await expectAccessible(portal, 'the confirm-registration page');
        expectFits(portal, 'the confirm-registration page');
        // By keyboard: the page's one control takes the focus and Enter submits.
        button()!.focus();
        await sendKeys({ press: 'Enter' });
        await until(() => Boolean(portal.doc.querySelector('crm-contact-list')), 15_000, 'the portal, signed in');
        expect(text(portal.doc.getElementById('status'))).to.include('Welcome, Fay Founder');
        expect(portal.win.location.pathname).to.match(/\/app\/$/);
        expect(portal.win.location.search).to.equal('');
        // The new agency is its own: its admin signs in with the password chosen at sign-up.
        const fay = createCrmClient({ baseUrl: location.origin, auth: { type: 'session', email, password: 'fay-first-password' } });
        const me = await fay.auth.me();
        expect(me.tenant.name).to.equal('Founders Porto');
        expect(me.role.key).to.equal('ADMIN');
        expect(portal.problems).to.deep.equal([]);

        // The same link again: the page says it was used, in words, and creates nothing.
        await go(portal, link);
        await until(() => text(button()) === 'Create my agency and sign in', 15_000, 'the confirm-registration page again');
        button()!.click();
        await until(() => text(portal.doc.querySelector('.link-error')).startsWith('This link did not work:'), 15_000, 'the refusal shown');
        expect(text(portal.doc.querySelector('.link-error'))).to.include('already used');
        await expectAccessible(portal, 'a used sign-up link');
      } finally {
        portal.close();
      }
    });

    if (part === 'links') it('follows an invitation link from the mail catcher to a signed-in portal', async function () {
      this.timeout(90_000);
      let roleId = '';
      for await (const role of crm.roles.list()) if (role.key === 'SALES_PERSON') roleId = role.id;
      const email = `nina.${Date.now()}@demo.crm.test`;
      const asked = Date.now() - 1000;
      await crm.users.invite({ email, name: 'Nina Newcomer', roleId });
      const link = linkIn(await mailTo(email, /invit|join/i, asked), 'accept-invitation');
      const portal = await open(link, 390);
      try {
        await until(() => Boolean(input(portal.doc, 'password')), 15_000, 'the accept-invitation page');
        await expectAccessible(portal, 'the accept-invitation page');
        expectFits(portal, 'the accept-invitation page');
        await typeInto(input(portal.doc, 'password')!, 'nina-first-password');
        await sendKeys({ press: 'Enter' });
        await until(() => Boolean(portal.doc.querySelector('crm-contact-list')), 15_000, 'the portal, signed in');
        expect(text(portal.doc.getElementById('status'))).to.include('Welcome, Nina Newcomer');
        expect(portal.win.location.pathname).to.match(/\/app\/$/);
        expect(portal.win.location.search).to.equal('');
        const user = portal.doc.querySelector<HTMLElement & { user?: { email: string } }>('crm-provider')!.user;
        expect(user?.email).to.equal(email);
        expect(portal.problems).to.deep.equal([]);
      } finally {
        portal.close();
      }
    });
  });
}
