import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { Contact } from '../shared/api/types.js';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
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
