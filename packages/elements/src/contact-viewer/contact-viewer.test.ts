import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { Contact } from '../shared/api/types.js';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { createMemoryApi } from '../test/memory-api.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
import type { CrmContactViewer } from './contact-viewer.component.js';
import './contact-viewer.js';

async function mount(client: unknown, contactId: string): Promise<CrmContactViewer> {
  const provider = await fixture(html`<crm-provider .client=${client}><crm-contact-viewer contact-id=${contactId}></crm-contact-viewer></crm-provider>`);
  const viewer = provider.querySelector('crm-contact-viewer')!;
  await until(() => Boolean(viewer.shadowRoot!.querySelector('[part="card"], crm-state[kind="error"]')), 8000, 'viewer loaded');
  return viewer;
}

describe('crm-contact-viewer', () => {
  let api: LiveApi;
  let contact: Contact;
  before(async () => {
    api = await liveApi();
    contact = await api.client.transport.post<Contact>('/v1/contacts', {
      firstName: 'Barbara',
      lastName: 'Liskov',
      jobTitle: 'Professor',
      emails: [{ label: 'work', value: 'barbara@example.com', primary: true }],
      tags: ['substitution'],
    });
  });

  it('should show the card with status, contact links and actions, axe-clean', async () => {
    const viewer = await mount(api.client, contact.id);
    const root = viewer.shadowRoot!;
    expect(root.querySelector('[part="name"]')!.textContent).to.equal('Barbara Liskov');
    expect(root.querySelector('[part="status"]')!.textContent).to.contain('New');
    expect(root.querySelector<HTMLAnchorElement>('a[href^="mailto:"]')!.href).to.equal('mailto:barbara@example.com');
    expect(root.querySelectorAll('[part="transition-button"]').length).to.be.greaterThan(0);
    expect(root.querySelector('[part="timeline"], crm-state[kind="empty"]')).not.to.equal(null);
    await expectAccessible(viewer);
  });

  it('should say on the real API that no campaign has reached a new contact yet', async () => {
    const viewer = await mount(api.client, contact.id);
    await until(() => Boolean(viewer.shadowRoot!.querySelector('section[aria-labelledby="campaigns-heading"] crm-state[kind="empty"]')), 8000, 'campaigns empty state');
    expect(viewer.shadowRoot!.querySelector('crm-state[message="No campaign has reached this contact yet."]')).not.to.equal(null);
  });

  it('should show the seeded statuses and their actions in the reader\'s language', async () => {
    const provider = await fixture(html`<crm-provider .client=${api.client} locale="de"><crm-contact-viewer contact-id=${contact.id}></crm-contact-viewer></crm-provider>`);
    const viewer = provider.querySelector('crm-contact-viewer')!;
    await until(() => Boolean(viewer.shadowRoot!.querySelector('[part="card"]')), 8000, 'viewer loaded');
    const root = viewer.shadowRoot!;
    expect(root.querySelector('[part="status"]')!.textContent).to.contain('Neu');
    const buttons = [...root.querySelectorAll('[part="transition-button"]')].map((b) => b.textContent!.trim());
    expect(buttons).to.include('Als Heiß markieren');
    expect(buttons.join(' ')).not.to.contain('Hot');
  });

  it('should move the contact through an allowed transition on the real API and log it', async () => {
    const viewer = await mount(api.client, contact.id);
    const hot = [...viewer.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part="transition-button"]')].find((b) => b.textContent!.includes('Hot'))!;
    const moved = oneEvent(viewer, 'crm-contact-transitioned');
    hot.click();
    const { detail } = await moved;
    expect(detail).to.include({ from: 'new', to: 'hot' });
    const stored = await api.client.transport.get<Contact>(`/v1/contacts/${contact.id}`);
    expect(stored.status).to.equal('hot');
    await until(() => viewer.shadowRoot!.querySelector('[part="status"]')!.textContent!.includes('Hot'));
    expect(viewer.shadowRoot!.querySelector('[part="message"]')!.textContent).to.contain('Status changed to Hot');
  });

  it('should explain a refused transition with the allowed targets (workflow tightened meanwhile on the real API)', async () => {
    const own = await liveApi();
    const grace = await own.client.transport.post<Contact>('/v1/contacts', { firstName: 'Grace', lastName: 'Hopper' });
    const viewer = await mount(own.client, grace.id);
    const hot = [...viewer.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part="transition-button"]')].find((b) => b.textContent!.includes('Hot'))!;
    // A sysadmin now allows only new → cold, while the card still offers the old moves.
    const workflow = await own.client.workflows.get('contact');
    await own.client.workflows.replace(
      'contact',
      { name: workflow.name, initial: workflow.initial, states: workflow.states.map(({ key, label, final }) => ({ key, label, final })), transitions: [{ from: 'new', to: 'cold', roles: [] }] },
      { ifMatch: workflow.version },
    );
    hot.click();
    const message = viewer.shadowRoot!.querySelector('[part="message"]')!;
    await until(() => message.textContent!.includes('Allowed'), 8000, 'refusal');
    expect(message.getAttribute('role')).to.equal('alert');
    expect(message.textContent).to.contain('Allowed: Cold');
    await viewer.updateComplete;
    const targets = [...viewer.shadowRoot!.querySelectorAll('[part="transition-button"]')].map((b) => b.textContent!.trim());
    expect(targets).to.deep.equal(['Mark as Cold']);
    expect((await own.client.transport.get<Contact>(`/v1/contacts/${grace.id}`)).status).to.equal('new');
    await expectAccessible(viewer);
  });

  it('should ask for Edit with crm-contact-edit-requested', async () => {
    const viewer = await mount(api.client, contact.id);
    const requested = oneEvent(viewer, 'crm-contact-edit-requested');
    viewer.shadowRoot!.querySelector<HTMLButtonElement>('[part="edit-button"]')!.click();
    expect((await requested).detail.contact.id).to.equal(contact.id);
  });

  it('should show an error state for a contact that does not exist', async () => {
    const viewer = await mount(api.client, '0123456789abcdef01234567');
    expect(viewer.shadowRoot!.querySelector('crm-state')!.kind).to.equal('error');
    await expectAccessible(viewer);
  });

  describe('at 390 and 1280 px, light and dark, English and German', () => {
    afterEach(resetViewport);

    async function mountWith(attrs: { locale?: string; theme?: string }): Promise<CrmContactViewer> {
      const provider = await fixture(html`<crm-provider .client=${api.client} .user=${api.user} locale=${attrs.locale ?? 'en'} theme=${attrs.theme ?? 'light'} time-zone="Europe/Berlin">
        <crm-contact-viewer contact-id=${contact.id}></crm-contact-viewer>
      </crm-provider>`);
      const viewer = provider.querySelector('crm-contact-viewer')!;
      await until(() => Boolean(viewer.shadowRoot!.querySelector('[part="card"]')), 8000, 'viewer loaded');
      await until(() => Boolean(viewer.shadowRoot!.querySelector('[part="timeline"], crm-state[kind="empty"]')), 8000, 'timeline');
      return viewer;
    }

    for (const width of [phoneWidth, deskWidth]) {
      for (const theme of ['light', 'dark']) {
        it(`should fit ${width} px with 44 px targets and be axe-clean in the ${theme} theme`, async () => {
          await useViewport(width);
          const viewer = await mountWith({ theme });
          expectFitsLayout(viewer);
          await expectAccessible(viewer.parentElement!);
        });
      }
    }

    it('should write the timeline dates the German way (dd.mm.yyyy) under locale="de", and the English way under "en"', async () => {
      await api.client.contacts.transition(contact.id, { to: 'hot', version: (await api.client.contacts.get(contact.id)).version }).catch(() => undefined);
      const de = await mountWith({ locale: 'de' });
      const times = () => [...de.shadowRoot!.querySelectorAll('time')].map((t) => t.textContent!);
      await until(() => times().length > 0, 8000, 'a timeline entry');
      expect(times()[0]).to.match(/^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/);
      const en = await mountWith({ locale: 'en' });
      await until(() => en.shadowRoot!.querySelectorAll('time').length > 0, 8000, 'a timeline entry');
      expect(en.shadowRoot!.querySelector('time')!.textContent).to.match(/^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s?[AP]M$/);
    });
  });
});

// The campaigns section with rows: the double answers `listContactCampaignEngagement` as the OpenAPI
// document declares it (a real contact reached by campaigns needs sends, opens and a Mailwizz pull,
// which the API's own tests arrange: campaigns/email-analytics.test.ts).
describe('crm-contact-viewer campaigns', () => {
  afterEach(resetViewport);
  const contactId = '000000000000000000100001';
  const rows = [
    { campaignId: '000000000000000000c00001', title: 'Spring webinar', source: 'email' as const, sentAt: '2026-03-02T08:00:00.000Z', sent: true, delivered: true, opened: true, clicked: true, links: ['https://agency.example/register'], bounced: null, replied: true, unsubscribed: false },
    { campaignId: '000000000000000000c00002', title: 'Trade fair Lisbon', source: 'email' as const, sentAt: '2026-02-10T08:00:00.000Z', sent: true, delivered: false, opened: false, clicked: false, links: [], bounced: 'hard' as const, replied: false, unsubscribed: false },
    { campaignId: '000000000000000000c00003', title: 'Spring newsletter', source: 'mailwizz' as const, sentAt: '2026-01-20T08:00:00.000Z', sent: true, delivered: null, opened: null, clicked: null, links: [], bounced: null, replied: null, unsubscribed: true },
  ];

  async function mountMemory(locale = 'en', theme = 'light'): Promise<{ viewer: CrmContactViewer; memory: ReturnType<typeof createMemoryApi> }> {
    const memory = createMemoryApi({ campaignEngagement: { [contactId]: rows } });
    const provider = await fixture(html`<crm-provider .client=${memory.client} locale=${locale} theme=${theme}><crm-contact-viewer contact-id=${contactId}></crm-contact-viewer></crm-provider>`);
    const viewer = provider.querySelector('crm-contact-viewer')!;
    await until(() => viewer.shadowRoot!.querySelectorAll('[part="campaign"]').length === rows.length, 8000, 'campaign rows');
    return { viewer, memory };
  }
  const facts = (viewer: CrmContactViewer, id: string) =>
    Object.fromEntries([...viewer.shadowRoot!.querySelectorAll(`[data-campaign="${id}"] [data-fact]`)].map((el) => [el.getAttribute('data-fact'), el.getAttribute('data-value')]));

  it('should list the campaigns that reached the contact with opened, clicked, bounced, replied and unsubscribed', async () => {
    const { viewer } = await mountMemory();
    const titles = [...viewer.shadowRoot!.querySelectorAll('[part="campaign"] strong')].map((el) => el.textContent);
    expect(titles).to.deep.equal(['Spring webinar', 'Trade fair Lisbon', 'Spring newsletter']);
    expect(facts(viewer, rows[0]!.campaignId)).to.deep.equal({ opened: 'Yes', clicked: 'Yes', bounced: 'No', replied: 'Yes', unsubscribed: 'No' });
    expect(facts(viewer, rows[1]!.campaignId)).to.deep.equal({ opened: 'No', clicked: 'No', bounced: 'Hard bounce', replied: 'No', unsubscribed: 'No' });
    // Mailwizz tells only unsubscribes per person.
    expect(facts(viewer, rows[2]!.campaignId)).to.deep.equal({ opened: 'Not reported', clicked: 'Not reported', bounced: 'Not reported', replied: 'Not reported', unsubscribed: 'Yes' });
    expect(viewer.shadowRoot!.querySelector(`[data-campaign="${rows[2]!.campaignId}"] .muted`)!.textContent).to.include('Mailwizz');
    await expectAccessible(viewer);
  });

  it('should write the answers and dates in German', async () => {
    const { viewer } = await mountMemory('de');
    expect(viewer.shadowRoot!.querySelector('#campaigns-heading')!.textContent).to.equal('Kampagnen');
    expect(facts(viewer, rows[1]!.campaignId)).to.deep.equal({ opened: 'Nein', clicked: 'Nein', bounced: 'Hart', replied: 'Nein', unsubscribed: 'Nein' });
    expect(viewer.shadowRoot!.querySelector(`[data-campaign="${rows[0]!.campaignId}"] time`)!.textContent).to.equal('02.03.2026');
  });

  it('should not ask for campaigns with no-campaigns', async () => {
    const memory = createMemoryApi({ campaignEngagement: { [contactId]: rows } });
    const provider = await fixture(html`<crm-provider .client=${memory.client}><crm-contact-viewer no-campaigns contact-id=${contactId}></crm-contact-viewer></crm-provider>`);
    const viewer = provider.querySelector('crm-contact-viewer')!;
    await until(() => Boolean(viewer.shadowRoot!.querySelector('[part="card"]')), 8000, 'card');
    expect(viewer.shadowRoot!.querySelector('#campaigns-heading')).to.equal(null);
    expect(memory.calls.some((c) => c.path.endsWith('/campaign-engagement'))).to.equal(false);
  });

  for (const width of [phoneWidth, deskWidth]) {
    it(`should fit ${width} px in the dark theme with the campaigns shown, axe-clean`, async () => {
      await useViewport(width);
      const { viewer } = await mountMemory('de', 'dark');
      expectFitsLayout(viewer);
      await expectAccessible(viewer.parentElement!);
    });
  }
});
