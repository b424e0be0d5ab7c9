// The Vue 3 host (examples/vue) in Chromium against the real API that web-test-runner starts: Vue
// renders the elements as custom elements (compiled with `isCustomElement`), hands the provider its SDK
// client as a property, and hears their events. The page's strict CSP must never fire. The host comes
// from `node examples/vue/build.mjs` (its dist/ folder), which this test expects to have run.
import { expect } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { until } from '../test/live-api.js';
import { exampleAgency, examplesRoot, openHostFrame, signInByKeyboard } from './host-frame.js';

const vueRoot = `${examplesRoot}vue/dist/`;

function text(node: Node | null | undefined): string {
  return (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

describe('the Vue 3 host (examples/vue) against the running API', () => {
  after(async () => {
    await setViewport({ width: 800, height: 600 });
  });

  it('signs in through the provider, shows the contact list and opens a contact, with Vue hearing the events', async function () {
    this.timeout(90_000);
    const agency = await exampleAgency(`${vueRoot}index.html`, 'node examples/vue/build.mjs');
    const crm = agency.client;
    const ada = await crm.contacts.create({ firstName: 'Ada', lastName: 'Vue', emails: [{ label: 'work', value: 'ada.vue@example.com', primary: true }] });
    await crm.contacts.create({ firstName: 'Evan', lastName: 'You', emails: [{ label: 'work', value: 'evan.you@example.com', primary: true }] });

    await setViewport({ width: 1280, height: 900 });
    const { doc, problems, close } = await openHostFrame(`${vueRoot}index.html?api=${encodeURIComponent(agency.baseUrl)}`, { title: 'vue host', style: 'position: fixed; inset: 0' });
    try {
      // Vue rendered <crm-provider> as the custom element (not an unresolved Vue component) with our client.
      await until(() => Boolean(doc.querySelector('crm-provider')?.shadowRoot), 10_000, 'Vue rendering the provider');
      const provider = doc.querySelector<HTMLElement & { client?: { session?: { user?: { email: string } } } }>('crm-provider')!;
      expect(provider.constructor.name).to.not.equal('HTMLElement');
      await signInByKeyboard(doc, agency);

      // Vue heard crm-user-signed-in and rendered the desk; the client it set as a property is signed in.
      await until(() => text(doc.getElementById('status')) === `Signed in as ${crm.session!.user!.name} (seen by Vue)`, 10_000, 'Vue hearing the sign-in');
      expect(provider.client?.session?.user?.email).to.equal(agency.email);
      const list = () => doc.querySelector('crm-contact-list')?.shadowRoot;
      const row = (name: string) => [...(list()?.querySelectorAll<HTMLElement>('[part="row"]') ?? [])].find((r) => text(r).includes(name));
      await until(() => Boolean(row('Ada Vue') ?? row('Vue')) && Boolean(row('You')), 10_000, 'the contacts in the list');

      // A row opens the contact: Vue hears crm-contact-selected and renders the viewer with its id.
      row('Vue')!.querySelector<HTMLElement>('.name')!.click();
      await until(() => text(doc.getElementById('status')) === 'Opened Ada Vue (seen by Vue)', 10_000, 'Vue hearing the selection');
      const viewer = doc.querySelector<HTMLElement & { contactId: string }>('crm-contact-viewer')!;
      expect(viewer.contactId).to.equal(ada.id);
      await until(() => text(viewer.shadowRoot?.querySelector('[part="name"]')).includes('Ada Vue'), 10_000, 'the viewer showing Ada');
      expect(problems).to.deep.equal([]);
    } finally {
      close();
    }
  });
});
