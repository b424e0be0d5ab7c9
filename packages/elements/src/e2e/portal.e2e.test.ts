// The example internal portal (examples/portal) end to end in Chromium against the real API that
// web-test-runner starts (scripts/e2e-api-plugin.mjs): its plain-HTML page and its React 19 page, each
// in a same-origin iframe served by the test runner (so the API's CORS origin is this page's). A person
// signs in through <crm-provider>, sees the contacts, opens one, edits and saves it (the API holds the
// edit afterwards), and opens the pipeline board; the page's CSP (script-src/style-src 'self') must
// never fire. The portal comes from `node examples/portal/build.mjs` (its dist/ folder: pages and
// bundles), which this test expects to have run.
import type { CrmClient } from '@crm/client-sdk';
import { expect } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import type { Contact, Opportunity } from '../shared/api/types.js';
import type { LiveApi } from '../test/live-api.js';
import { until } from '../test/live-api.js';
import { exampleAgency, examplesRoot, openHostFrame, signInByKeyboard, type HostFrame } from './host-frame.js';

/** examples/portal as the test runner serves it (its root is packages/elements). */
const portalRoot = `${examplesRoot}portal/`;

type Portal = HostFrame;

/** The shadow root of the first element matching `selector` in `root`, if it has rendered. */
function shadowOf(root: ParentNode | null | undefined, selector: string): ShadowRoot | null {
  return root?.querySelector(selector)?.shadowRoot ?? null;
}

function text(node: Node | null | undefined): string {
  return (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** The portal's `page` in a same-origin frame, against the API at `api`. */
function openPortal(page: 'index.html' | 'react.html', api: string): Promise<Portal> {
  return openHostFrame(`${portalRoot}dist/${page}?api=${encodeURIComponent(api)}`, { title: page });
}

/** Types into the `<input>` inside a `<crm-text-field>` (or any focusable field) with real key presses. */
async function typeInto(input: HTMLElement, value: string): Promise<void> {
  input.focus();
  await sendKeys({ type: value });
}

describe('the example portal (examples/portal) against the running API', () => {
  let agency: LiveApi;
  let crm: CrmClient;
  let pipeline: { id: string; stages: Array<{ key: string; name: string; kind: string }> };

  before(async function () {
    this.timeout(60_000);
    await setViewport({ width: 1400, height: 1000 });
    agency = await exampleAgency(`${portalRoot}dist/portal.js`, 'node examples/portal/build.mjs');
    crm = agency.client;
    const pipelines = await crm.transport.get<{ data: Array<typeof pipeline> }>('/v1/pipelines');
    pipeline = pipelines.data[0]!;
  });

  /** Signs in through the provider's own form, as a person would. */
  async function signIn(portal: Portal): Promise<void> {
    await signInByKeyboard(portal.doc, agency);
    await until(() => Boolean(portal.doc.querySelector('crm-contact-list')), 10_000, 'the portal after sign-in');
  }

  /** The contact list's rendered row for `name`. */
  function row(portal: Portal, name: string): HTMLElement | undefined {
    const rows = shadowOf(portal.doc, 'crm-contact-list')?.querySelectorAll<HTMLElement>('[part="row"]') ?? [];
    return [...rows].find((r) => text(r).includes(name));
  }

  /** Sees the contacts, opens one, edits its job title and saves; checks the page and the API after. */
  async function editContact(portal: Portal, contact: Contact, jobTitle: string): Promise<void> {
    const name = `${contact.firstName} ${contact.lastName}`;
    await until(() => Boolean(row(portal, name)), 10_000, `${name} in the contact list`);
    // Laid out as rows a person can read: one under the other, none on top of another.
    const tops = [...shadowOf(portal.doc, 'crm-contact-list')!.querySelectorAll<HTMLElement>('[part="row"]')].map((r) => Math.round(r.getBoundingClientRect().top));
    expect(new Set(tops).size).to.equal(tops.length, `row tops ${tops.join(', ')}`);
    const listed = [...shadowOf(portal.doc, 'crm-contact-list')!.querySelectorAll('[part="row"]')].map(text);
    expect(listed.some((r) => r.includes('Lovelace')) && listed.some((r) => r.includes('Hopper'))).to.equal(true, listed.join(' | '));

    // Selecting the row opens the viewer (the host listens to crm-contact-selected).
    row(portal, name)!.querySelector<HTMLElement>('.name')!.click();
    const viewer = portal.doc.querySelector<HTMLElement & { contactId: string }>('crm-contact-viewer')!;
    await until(() => !viewer.hidden && text(viewer.shadowRoot?.querySelector('[part="name"]')).includes(name), 10_000, 'the viewer showing the contact');
    expect(viewer.contactId).to.equal(contact.id);

    // Edit opens the editor (crm-contact-edit-requested).
    viewer.shadowRoot!.querySelector<HTMLElement>('[part="edit-button"]')!.click();
    const jobField = () => shadowOf(portal.doc, 'crm-contact-editor')?.querySelector<HTMLElement>('[name="jobTitle"]');
    const firstNameValue = () => shadowOf(portal.doc, 'crm-contact-editor')?.querySelector<HTMLElement>('[name="firstName"]')?.shadowRoot?.querySelector('input')?.value;
    // The editor has the contact loaded (not an empty form it may show before its load starts).
    await until(() => Boolean(jobField()?.shadowRoot?.querySelector('input')) && firstNameValue() === contact.firstName && !portal.doc.querySelector<HTMLElement>('crm-contact-editor')!.hidden, 10_000, 'the editor with the contact');
    expect(viewer.hidden).to.equal(true);
    await typeInto(jobField()!.shadowRoot!.querySelector('input')!, jobTitle);
    shadowOf(portal.doc, 'crm-contact-editor')!.querySelector<HTMLElement>('[part="save-button"]')!.click();

    // Saved: the host closes the editor, shows the reloaded card and says so.
    await until(() => text(portal.doc.getElementById('status')).includes(`${name}`) && !viewer.hidden, 10_000, 'the saved contact back in the viewer');
    await until(() => text(viewer.shadowRoot).includes(jobTitle), 10_000, 'the viewer showing the new job title');
    expect(portal.doc.querySelector<HTMLElement>('crm-contact-editor')?.hidden ?? true).to.equal(true);

    const stored = await crm.transport.get<Contact>(`/v1/contacts/${contact.id}`);
    expect(stored.jobTitle).to.equal(jobTitle);
    expect(stored.firstName).to.equal(contact.firstName);
    expect(stored.emails?.[0]?.value).to.equal(contact.emails[0]!.value);
    expect(stored.version).to.equal(contact.version + 1);
  }

  /** Opens the Pipeline view from the nav and waits for the board to show the opportunity. */
  async function openBoard(portal: Portal, opportunity: Opportunity): Promise<void> {
    portal.doc.querySelector<HTMLElement>('nav a[href="#pipeline"]')!.click();
    const board = () => shadowOf(portal.doc, 'crm-pipeline-board');
    await until(() => Boolean(board()?.querySelector(`[data-id="${opportunity.id}"]`)), 15_000, 'the opportunity on the board');
    expect(portal.doc.querySelector('nav a[href="#pipeline"]')!.getAttribute('aria-current')).to.equal('page');
    // One column per stage of the API's board view, in its order, then the pipeline's final stages (won, lost).
    const api = await crm.transport.get<{ columns: Array<{ stage: { key: string } }> }>(`/v1/pipelines/${pipeline.id}/board`);
    const shown = [...board()!.querySelectorAll<HTMLElement>('[part~="column"]')].map((c) => c.dataset.stage);
    const finals = pipeline.stages.filter((s) => s.kind !== 'open' && !api.columns.some((c) => c.stage.key === s.key)).map((s) => s.key);
    expect(finals.length, 'won and lost stages in the pipeline').to.be.greaterThan(0);
    expect(shown).to.deep.equal([...api.columns.map((c) => c.stage.key), ...finals]);
    const columnOf = board()!.querySelector(`[data-id="${opportunity.id}"]`)!.closest('[part~="column"]');
    const stageName = pipeline.stages.find((s) => s.key === opportunity.stage)!.name;
    expect(text(columnOf?.querySelector('[part~="column-header"]'))).to.include(stageName);
    expect(text(board()!.querySelector(`[data-id="${opportunity.id}"]`))).to.include(opportunity.name);
  }

  async function arrange(tag: string): Promise<{ ada: Contact; opportunity: Opportunity }> {
    const ada = await crm.transport.post<Contact>('/v1/contacts', { firstName: 'Ada', lastName: `Lovelace ${tag}`, emails: [{ label: 'work', value: `ada.${tag}@example.com`, primary: true }] });
    await crm.transport.post<Contact>('/v1/contacts', { firstName: 'Grace', lastName: `Hopper ${tag}`, emails: [{ label: 'work', value: `grace.${tag}@example.com`, primary: true }] });
    const open = pipeline.stages.find((s) => s.kind === 'open')!;
    const opportunity = await crm.transport.post<Opportunity>('/v1/opportunities', { name: `Analytical Engine ${tag}`, amount: 12000, currency: 'EUR', pipelineId: pipeline.id, stage: open.key });
    return { ada, opportunity };
  }

  it('plain HTML: signs in, edits a contact through list, viewer and editor, themes, switches locale, loads the board', async function () {
    this.timeout(90_000);
    const { ada, opportunity } = await arrange('plain');
    const portal = await openPortal('index.html', agency.baseUrl);
    try {
      const provider = portal.doc.querySelector<HTMLElement & { theme: string }>('crm-provider')!;
      // The host's brand reaches the elements through --crm-* properties and ::part().
      await until(() => Boolean(provider.shadowRoot?.querySelector('[part="sign-in-button"]')), 10_000, 'the sign-in button');
      expect(portal.win.getComputedStyle(provider).getPropertyValue('--crm-sys-color-primary').trim()).to.equal('#0a6b5a');
      const button = provider.shadowRoot!.querySelector('[part="sign-in-button"]')!;
      expect(portal.win.getComputedStyle(button).textTransform).to.equal('uppercase');
      expect(portal.win.getComputedStyle(button).backgroundColor).to.equal('rgb(10, 107, 90)');

      await signIn(portal);
      expect(text(portal.doc.getElementById('status'))).to.include('Signed in as');
      await editContact(portal, ada, 'Analyst');

      // Beside the card, the agent invites the contact to the customer portal (<crm-customer-invite>).
      const invite = portal.doc.querySelector<HTMLElement & { contactId: string }>('crm-customer-invite')!;
      await until(() => !invite.hidden && invite.contactId === ada.id && Boolean(invite.shadowRoot?.querySelector('form button[type="submit"]')), 10_000, 'the invite form beside the contact');
      invite.shadowRoot!.querySelector<HTMLElement>('form button[type="submit"]')!.click();
      await until(() => Boolean(invite.shadowRoot?.querySelector('[part="identity"]')), 10_000, 'the invited identity');
      const identities = await crm.transport.get<{ data: Array<{ role: string; status: string }> }>(`/v1/customer-users?contactId=${ada.id}`);
      expect(identities.data.map((u) => [u.role, u.status])).to.deep.equal([['customer', 'invited']]);

      // Dark mode: the provider switches palette and the host's dark brand applies.
      portal.doc.getElementById('theme')!.click();
      await until(() => provider.getAttribute('theme') === 'dark', 5000, 'the dark theme');
      expect(portal.win.getComputedStyle(provider).getPropertyValue('--crm-sys-color-primary').trim()).to.equal('#7ad9c0');
      expect(portal.win.getComputedStyle(provider).color).to.equal('rgb(226, 236, 232)');

      // German: the host's nav and the elements' own strings.
      const locale = portal.doc.getElementById('locale') as HTMLSelectElement;
      locale.value = 'de';
      locale.dispatchEvent(new Event('change'));
      expect(text(portal.doc.querySelector('nav a[href="#contacts"]'))).to.equal('Kontakte');
      const search = () => shadowOf(portal.doc, 'crm-contact-list')?.querySelector('crm-text-field[name="search"]');
      await until(() => search()?.getAttribute('label') === 'Suchen', 5000, 'the contact list in German');

      await openBoard(portal, opportunity);
      expect(portal.problems).to.deep.equal([]);
    } finally {
      portal.close();
    }
  });

  it('plain HTML: the Campaigns page lists the sends and shows the picked one’s counts in <crm-send-status>', async function () {
    this.timeout(90_000);
    const template = await crm.transport.post<{ id: string }>('/v1/templates', { name: `portal-sends-${Date.now()}`, category: 'greeting', subject: 'Hello {{recipient.firstName}}', html: '<p>Hello {{recipient.firstName}}</p>', text: 'Hello {{recipient.firstName}}' });
    const contact = await crm.transport.post<Contact>('/v1/contacts', { firstName: 'Katherine', lastName: 'Johnson', emails: [{ label: 'work', value: `katherine.${Date.now()}@example.com`, primary: true }] });
    // Far in the future: the send stays scheduled, so its counts are known (1 recipient, all pending).
    const older = await crm.transport.post<{ id: string; name: string }>('/v1/greetings', { name: 'Portal sends: older', templateId: template.id, targets: { contactIds: [contact.id] }, sendAt: '2098-01-01T09:00' });
    const greeting = await crm.transport.post<{ id: string; name: string }>('/v1/greetings', { name: 'Portal sends: newest', templateId: template.id, targets: { contactIds: [contact.id] }, sendAt: '2099-01-01T09:00' });
    const portal = await openPortal('index.html', agency.baseUrl);
    try {
      await signIn(portal);
      portal.doc.querySelector<HTMLElement>('nav a[href="#campaigns"]')!.click();
      const status = portal.doc.querySelector<HTMLElement & { greetingId: string }>('#send-status')!;
      const pick = portal.doc.getElementById('send-pick') as HTMLSelectElement;
      // The newest send is shown first; the picker lists the others.
      await until(() => !status.hidden && text(status.shadowRoot?.querySelector('h2')) === greeting.name, 15_000, 'the newest send in <crm-send-status>');
      expect(status.greetingId).to.equal(greeting.id);
      expect([...pick.options].map((o) => o.value)).to.include.members([greeting.id, older.id]);
      expect(text(status.shadowRoot!.querySelector('[part="counts"]'))).to.include('1 pending');
      expect(status.shadowRoot!.querySelector('[part="resend"]'), 'nothing uncertain, nothing to resend').to.equal(null);
      // Picking another send shows it.
      pick.value = older.id;
      pick.dispatchEvent(new Event('change'));
      await until(() => text(status.shadowRoot?.querySelector('h2')) === older.name, 10_000, 'the picked send');
      expect(text(portal.doc.querySelector('label[for="send-pick"]'))).to.equal('Send');
      expect(portal.problems).to.deep.equal([]);
    } finally {
      portal.close();
    }
  });

  it('plain HTML: the Calendar page edits through <crm-calendar>’s dialog: a new entry, then only one occurrence of a series', async function () {
    this.timeout(90_000);
    // A weekly series three weeks ahead, on a Wednesday at 11:00 local time.
    const first = new Date();
    first.setDate(first.getDate() + 21 + ((3 - first.getDay() + 7) % 7));
    first.setHours(11, 0, 0, 0);
    const series = await crm.calendar.create({ kind: 'meeting', title: 'Portal stand-up', startAt: first.toISOString(), endAt: new Date(first.getTime() + 900_000).toISOString(), recurrence: 'FREQ=WEEKLY;COUNT=3' });
    const portal = await openPortal('index.html', agency.baseUrl);
    try {
      await signIn(portal);
      portal.doc.querySelector<HTMLElement>('nav a[href="#calendar"]')!.click();
      const calendar = portal.doc.querySelector<HTMLElement & { view: string; date: string }>('crm-calendar')!;
      await until(() => Boolean(calendar.shadowRoot?.querySelector('[role="grid"]')), 15_000, 'the calendar');
      const key = `${first.getFullYear()}-${String(first.getMonth() + 1).padStart(2, '0')}-${String(first.getDate()).padStart(2, '0')}`;
      calendar.view = 'agenda';
      calendar.date = key;
      const shadow = calendar.shadowRoot!;
      const occurrence = () => [...shadow.querySelectorAll<HTMLElement>('[data-occurrence]')].find((b) => text(b).includes('Portal stand-up'));
      await until(() => Boolean(occurrence()), 15_000, 'the series in the agenda');

      // New entry on the day shown, saved through the dialog.
      shadow.querySelector<HTMLElement>('[data-new]')!.click();
      const input = (name: string) => shadow.querySelector<HTMLInputElement>(`dialog[data-editor] [data-field="${name}"]`)!;
      await until(() => Boolean(shadow.querySelector('dialog[data-editor][open]')) && shadow.activeElement === input('title'), 5000, 'the dialog, focus on the title');
      await sendKeys({ type: 'Portal demo' });
      shadow.querySelector<HTMLElement>('[data-editor-save]')!.click();
      await until(() => text(shadow.querySelector('[data-announcement]')) === '“Portal demo” is on the calendar.', 10_000, 'the announcement');
      const created = (await crm.calendar.range({ from: new Date(first.getTime() - 86_400_000).toISOString(), to: new Date(first.getTime() + 86_400_000).toISOString() })).data.find((o) => o.title === 'Portal demo');
      expect(created?.startAt).to.equal(new Date(`${key}T09:00`).toISOString());

      // Only this occurrence of the series is renamed.
      occurrence()!.click();
      await until(() => Boolean(shadow.querySelector('[data-scope="occurrence"]:focus')), 10_000, 'the scope choice');
      input('title').value = 'Portal stand-up (Wednesday only)';
      input('title').dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      shadow.querySelector<HTMLElement>('[data-editor-save]')!.click();
      await until(() => !shadow.querySelector('dialog[data-editor][open]'), 10_000, 'the dialog closed');
      const stored = await crm.calendar.get(series.id);
      expect(stored.overrides.map((o) => [o.recurrenceId, o.title])).to.deep.equal([[first.toISOString(), 'Portal stand-up (Wednesday only)']]);
      expect(stored.title).to.equal('Portal stand-up');
      expect(portal.problems).to.deep.equal([]);
    } finally {
      portal.close();
    }
  });

  it('plain HTML: a row of the campaign list opens the campaign’s analytics at #campaigns/<id>, and Back returns to the list', async function () {
    this.timeout(90_000);
    const title = `Portal analytics ${Date.now()}`;
    const campaign = await crm.transport.post<{ id: string }>('/v1/campaigns', { title, code: `PA${Date.now().toString(36).toUpperCase()}`, type: 'promotion', visibility: 'internal', cost: 1000, expectedRevenue: 5000 });
    const portal = await openPortal('index.html', agency.baseUrl);
    try {
      await signIn(portal);
      portal.doc.querySelector<HTMLElement>('nav a[href="#campaigns"]')!.click();
      const rowOf = () => [...(shadowOf(portal.doc, 'crm-campaign-list')?.querySelectorAll<HTMLElement>('[part="row"]') ?? [])].find((r) => text(r).includes(title));
      await until(() => Boolean(rowOf()), 15_000, 'the campaign in the list');
      rowOf()!.click();
      const analytics = portal.doc.querySelector<HTMLElement & { campaignId: string }>('crm-campaign-analytics')!;
      await until(() => !analytics.hidden && text(analytics.shadowRoot?.querySelector('h2')) === title, 15_000, 'the analytics of the campaign');
      expect(portal.win.location.hash).to.equal(`#campaigns/${campaign.id}`);
      expect(analytics.campaignId).to.equal(campaign.id);
      expect(portal.doc.querySelector<HTMLElement>('crm-campaign-list')!.hidden).to.equal(true);
      // Nothing sent yet: the mail section says so; the results show the cost the API holds.
      expect(text(analytics.shadowRoot!.querySelector('[part="email"]'))).to.include('No mail of this campaign has been sent yet.');
      expect(text(analytics.shadowRoot!.querySelector('[part="results"] [data-key="cost"]'))).to.include('1,000');
      portal.doc.getElementById('campaign-list-back')!.click();
      await until(() => !portal.doc.querySelector<HTMLElement>('crm-campaign-list')!.hidden && analytics.hidden, 10_000, 'the list again');
      expect(portal.win.location.hash).to.equal('#campaigns');
      expect(portal.problems).to.deep.equal([]);
    } finally {
      portal.close();
    }
  });

  it('plain HTML: the Dashboard page shows the signed-in person’s dashboard (their role’s default) with gauges and charts, in German too', async function () {
    this.timeout(90_000);
    const portal = await openPortal('index.html', agency.baseUrl);
    try {
      await signIn(portal);
      portal.doc.querySelector<HTMLElement>('nav a[href="#dashboard"]')!.click();
      const dashboard = () => shadowOf(portal.doc, 'crm-dashboard');
      await until(() => Boolean(dashboard()?.querySelector('[part="grid"]')) && !dashboard()!.querySelector('crm-state[kind="loading"]'), 15_000, 'the dashboard and its widgets');
      expect(portal.doc.querySelector('nav a[href="#dashboard"]')!.getAttribute('aria-current')).to.equal('page');
      // The API's default for the agency admin's role: every widget loaded, none failed.
      const stored = (await crm.transport.get<{ data: Array<{ name: string; widgets: unknown[] }> }>('/v1/dashboards')).data[0]!;
      expect(text(dashboard()!.querySelector('h2'))).to.equal(stored.name);
      expect(dashboard()!.querySelectorAll('[part="widget"]').length).to.equal(stored.widgets.length);
      expect(dashboard()!.querySelector('.error'), 'no widget failed to load').to.equal(null);
      const locale = portal.doc.getElementById('locale') as HTMLSelectElement;
      locale.value = 'de';
      locale.dispatchEvent(new Event('change'));
      await until(() => text(dashboard()?.querySelector('[data-action="edit"]')) === 'Dashboard bearbeiten', 5000, 'the dashboard in German');
      expect(portal.problems).to.deep.equal([]);
    } finally {
      portal.close();
    }
  });

  it('plain HTML: the Forecast page shows the signed-in person’s annual forecast, which they may enter, and everyone’s they may see', async function () {
    this.timeout(90_000);
    const portal = await openPortal('index.html', agency.baseUrl);
    try {
      await signIn(portal);
      portal.doc.querySelector<HTMLElement>('nav a[href="#forecast"]')!.click();
      const forecast = () => shadowOf(portal.doc, 'crm-annual-forecast');
      await until(() => Boolean(forecast()?.querySelector('[part="table"], crm-state[kind="error"]')), 15_000, 'the forecast table');
      expect(forecast()!.querySelector('crm-state')?.getAttribute('message') ?? '', 'no error').to.equal('');
      expect(portal.doc.querySelector('nav a[href="#forecast"]')!.getAttribute('aria-current')).to.equal('page');
      expect(text(forecast()!.querySelector('.toolbar button')), 'their own forecast is theirs to enter').to.equal('Edit forecast');
      expect(forecast()!.querySelectorAll('tbody tr').length).to.equal(12);
      const whose = portal.doc.getElementById('forecast-owner') as HTMLSelectElement;
      whose.value = '';
      whose.dispatchEvent(new Event('change'));
      await until(() => !forecast()!.querySelector('.toolbar button') && Boolean(forecast()!.querySelector('[part="table"]')), 10_000, 'everyone’s, read-only');
      expect(portal.problems).to.deep.equal([]);
    } finally {
      portal.close();
    }
  });

  it('plain HTML: the nav renders the department’s menu (GET /v1/menus/mine): a page it leaves out is hidden, yet its address still opens it', async function () {
    this.timeout(90_000);
    // The signed-in admin's menu is their department's (or the agency default when they have none).
    const mine = await crm.dashboards.myMenu();
    const department = mine.departmentId ?? 'default';
    const everyPage = ['dashboard', 'reports', 'forecast', 'contacts', 'leads', 'customers', 'pipeline', 'tasks', 'calendar', 'messages', 'support', 'kb', 'campaigns', 'events', 'lead-requests', 'projects', 'lost-deals', 'quotes', 'invoices', 'import', 'exports', 'admin'];
    await crm.dashboards.setMenu(department, { pages: ['pipeline', 'contacts', 'dashboard', 'admin/templates'] });
    const portal = await openPortal('index.html', agency.baseUrl);
    try {
      await signIn(portal);
      const nav = portal.doc.getElementById('nav')!;
      await until(() => nav.dataset.menu === (department === 'default' ? 'default' : 'department'), 10_000, 'the nav rendered from the menu');
      const shown = () => [...nav.querySelectorAll<HTMLAnchorElement>('a[data-view]')].filter((a) => !a.hidden).map((a) => a.dataset.view);
      await until(() => shown().includes('admin'), 10_000, 'the Admin tab for the admin');
      // Only the named pages, in the menu's order: Quotes (and the rest) are gone from the nav.
      expect(shown()).to.deep.equal(['pipeline', 'contacts', 'dashboard', 'admin']);
      const quotesLink = nav.querySelector<HTMLElement>('a[href="#quotes"]')!;
      expect(quotesLink.hidden).to.equal(true);
      expect(quotesLink.getBoundingClientRect().height, 'a hidden link takes no space').to.equal(0);
      // Within Admin, only the admin page the menu names.
      const adminTabs = [...portal.doc.querySelectorAll<HTMLAnchorElement>('a[data-admin]')].filter((a) => !a.hidden).map((a) => a.dataset.admin);
      expect(adminTabs).to.deep.equal(['templates']);
      // The menu is presentation: the API still answers quotes for this person, so #quotes opens the page.
      portal.win.location.hash = '#quotes';
      const quotes = portal.doc.querySelector<HTMLElement>('section[data-view="quotes"]')!;
      await until(() => !quotes.hidden, 5000, 'the quotes page by its address');
      expect(portal.problems).to.deep.equal([]);
    } finally {
      portal.close();
      // Every page again, so the other tests see the full nav.
      await crm.dashboards.setMenu(department, { pages: everyPage });
    }
  });

  it('React 19: the same elements, given the SDK client as a property, with React hearing their events', async function () {
    this.timeout(90_000);
    const { ada, opportunity } = await arrange('react');
    const portal = await openPortal('react.html', agency.baseUrl);
    try {
      await until(() => Boolean(portal.doc.querySelector('crm-provider')), 10_000, 'React rendering the provider');
      await signIn(portal);
      // React handed the provider its own client object, and heard crm-user-signed-in.
      const provider = portal.doc.querySelector<HTMLElement & { client: { session?: { user?: { email: string } } } }>('crm-provider')!;
      expect(provider.client?.session?.user?.email).to.equal(agency.email);
      expect(text(portal.doc.getElementById('status'))).to.include('(seen by React)');

      await editContact(portal, ada, 'Programmer');
      expect(text(portal.doc.getElementById('status'))).to.equal(`Saved Ada Lovelace react (seen by React)`);

      await openBoard(portal, opportunity);
      expect(portal.problems).to.deep.equal([]);
    } finally {
      portal.close();
    }
  });
});
