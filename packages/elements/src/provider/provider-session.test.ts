// <crm-provider> signing a person in and out against the real API (scripts/e2e-api-plugin.mjs): data
// elements placed inside it before sign-in wait (no request, no error) and load once the user arrives;
// signOut() ends the SDK session and shows the sign-in form again.
import { createCrmClient, type CrmClient } from '@crm/client-sdk';
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../contact-list/contact-list.js';
import '../contact-viewer/contact-viewer.js';
import '../pipeline-board/pipeline-board.js';
import type { Contact, Opportunity } from '../shared/api/types.js';
import '../task-list/task-list.js';
import { until } from '../test/live-api.js';
import { CrmProvider } from './provider.component.js';
import './provider.js';

interface Agency {
  baseUrl: string;
  email: string;
  password: string;
  error?: string;
}

const dataTags = ['crm-contact-list', 'crm-pipeline-board', 'crm-contact-viewer', 'crm-task-list'];
const text = (node: Node | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();

describe('crm-provider signing in and out against the running API', () => {
  let agency: Agency;
  let own: CrmClient;
  let ada: Contact;
  let deal: Opportunity;
  let pipelineId: string;
  /** Every request the provider's client sent, as `METHOD /path`. */
  let sent: string[];

  before(async () => {
    agency = (await (await fetch('/__crm-e2e/agency')).json()) as Agency;
    if (agency.error) throw new Error(`The test API did not start: ${agency.error}`);
    own = createCrmClient({ baseUrl: agency.baseUrl, auth: { type: 'session', email: agency.email, password: agency.password } });
    await own.session!.login();
    ada = await own.transport.post<Contact>('/v1/contacts', { firstName: 'Ada', lastName: 'Lovelace' });
    const pipelines = await own.transport.get<{ data: Array<{ id: string; stages: Array<{ key: string; kind: string }> }> }>('/v1/pipelines');
    pipelineId = pipelines.data[0]!.id;
    const stage = pipelines.data[0]!.stages.find((s) => s.kind === 'open')!.key;
    deal = await own.transport.post<Opportunity>('/v1/opportunities', { name: 'Analytical Engine', amount: 1000, currency: 'EUR', pipelineId, stage });
  });

  beforeEach(() => {
    sent = [];
    CrmProvider.clientFactory = ({ baseUrl }) =>
      createCrmClient({
        baseUrl,
        auth: { type: 'session' },
        fetch: (url, init) => {
          sent.push(`${init?.method ?? 'GET'} ${new URL(url).pathname}`);
          return globalThis.fetch(url, init);
        },
      });
  });

  afterEach(() => {
    CrmProvider.clientFactory = undefined;
  });

  async function mount(): Promise<CrmProvider> {
    return fixture<CrmProvider>(html`<crm-provider base-url=${agency.baseUrl}>
      <crm-contact-list></crm-contact-list>
      <crm-pipeline-board pipeline-id=${pipelineId} no-filters></crm-pipeline-board>
      <crm-contact-viewer contact-id=${ada.id}></crm-contact-viewer>
      <crm-task-list></crm-task-list>
    </crm-provider>`);
  }

  /** Signs in through the provider's own form. */
  async function signIn(provider: CrmProvider): Promise<void> {
    await until(() => Boolean(provider.shadowRoot!.querySelector('form crm-text-field')), 4000, 'the sign-in form');
    const [email, password] = provider.shadowRoot!.querySelectorAll('crm-text-field');
    email!.value = agency.email;
    password!.value = agency.password;
    await password!.updateComplete;
    const signedIn = oneEvent(provider, 'crm-user-signed-in');
    provider.shadowRoot!.querySelector('form')!.requestSubmit();
    await signedIn;
  }

  /** The elements have shown their data from the API. */
  async function loaded(provider: CrmProvider): Promise<void> {
    const shadow = (tag: string) => provider.querySelector(tag)!.shadowRoot;
    await until(() => text(shadow('crm-contact-list')?.querySelector('.body')).includes('Ada Lovelace'), 8000, 'the contact in the list');
    await until(() => Boolean(shadow('crm-pipeline-board')?.querySelector(`[data-id="${deal.id}"]`)), 8000, 'the deal on the board');
    await until(() => text(shadow('crm-contact-viewer')?.querySelector('[part="name"]')).includes('Ada Lovelace'), 8000, 'the contact in the viewer');
    await until(() => Boolean(shadow('crm-task-list')?.querySelector('crm-state[kind="empty"], [data-task]')), 8000, 'the task list');
  }

  /** Error states the data elements show. */
  const errors = (provider: CrmProvider) =>
    dataTags.flatMap((tag) => [...(provider.querySelector(tag)!.shadowRoot?.querySelectorAll('crm-state[kind="error"]') ?? [])].map((s) => `${tag}: ${s.getAttribute('message')}`));

  const count = (request: string) => sent.filter((s) => s === request).length;

  it('should keep elements present before sign-in waiting (no request, no error), then load each once', async () => {
    const provider = await mount();
    await until(() => Boolean(provider.shadowRoot!.querySelector('form')), 4000, 'the sign-in form');
    // Time for any element that would load with the signed-out client to have tried.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sent).to.deep.equal([]);
    expect(errors(provider)).to.deep.equal([]);
    for (const tag of dataTags) expect(provider.querySelector(tag)!.shadowRoot?.childElementCount ?? 0, `${tag} rendered before sign-in`).to.equal(0);

    await signIn(provider);
    await loaded(provider);
    expect(errors(provider)).to.deep.equal([]);
    expect(count('POST /v1/auth/login')).to.equal(1);
    expect(count('GET /v1/contacts'), sent.join('\n')).to.equal(1);
    expect(count(`GET /v1/contacts/${ada.id}`), sent.join('\n')).to.equal(1);
    expect(count(`GET /v1/pipelines/${pipelineId}/board`), sent.join('\n')).to.equal(1);
    expect(count('GET /v1/tasks'), sent.join('\n')).to.equal(1);
  });

  it('should sign out through signOut(): session ended on the API, user cleared, event fired, form shown, and back in', async () => {
    const provider = await mount();
    await signIn(provider);
    await loaded(provider);
    const client = provider.client as CrmClient;
    expect(client.session!.user?.email).to.equal(agency.email);

    const signedOut = oneEvent(provider, 'crm-user-signed-out');
    await provider.signOut();
    const event = await signedOut;
    expect(event.detail.user?.email).to.equal(agency.email);
    expect(event.bubbles && event.composed).to.equal(true);
    expect(count('POST /v1/auth/logout')).to.equal(1);

    // The provider and its SDK session forgot the user; the API no longer serves this client.
    expect(provider.user).to.equal(undefined);
    expect(client.session!.user).to.equal(undefined);
    const refused = await client.contacts.list({ limit: 1 }).then(
      () => undefined,
      (error: unknown) => error as { status?: number },
    );
    expect(refused?.status).to.equal(401);

    // The sign-in form is back, in place of the content; the list forgot the last user's rows.
    await provider.updateComplete;
    expect(provider.shadowRoot!.querySelector('form[part="sign-in"]')).not.to.equal(null);
    expect(provider.shadowRoot!.querySelector('slot')).to.equal(null);
    await until(() => !provider.querySelector('crm-contact-list')!.shadowRoot!.querySelector('.body [part="row"]'), 4000, 'the rows forgotten');

    // Signing in again loads the elements again, once.
    const before = count('GET /v1/contacts');
    await signIn(provider);
    await loaded(provider);
    expect(count('GET /v1/contacts')).to.equal(before + 1);
    expect(errors(provider)).to.deep.equal([]);
  });

  it('should sign out of a client the host signed in, and fire the event, without a sign-in form', async () => {
    const client = createCrmClient({ baseUrl: agency.baseUrl, auth: { type: 'session', email: agency.email, password: agency.password } });
    await client.session!.login();
    const provider = await fixture<CrmProvider>(html`<crm-provider .client=${client}><p>content</p></crm-provider>`);
    expect(provider.user?.email).to.equal(agency.email);
    const signedOut = oneEvent(provider, 'crm-user-signed-out');
    await provider.signOut();
    expect((await signedOut).detail.user?.email).to.equal(agency.email);
    expect(client.session!.user).to.equal(undefined);
    expect(provider.user).to.equal(undefined);
    expect(provider.shadowRoot!.querySelector('form')).to.equal(null);
  });
});
