// The Vue 3 host (examples/vue) in Chromium against the real API that web-test-runner starts: Vue
// renders the elements as custom elements (compiled with `isCustomElement`), hands the provider its SDK
// client as a property, and hears their events. The page's strict CSP must never fire. The host comes
// from `node examples/vue/build.mjs` (its dist/ folder), which this test expects to have run.
import { createCrmClient } from '@crm/client-sdk';
import { expect } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import { until } from '../test/live-api.js';

const vueRoot = '/__wds-outside-root__/2/examples/vue/dist/';

function text(node: Node | null | undefined): string {
  return (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

describe('the Vue 3 host (examples/vue) against the running API', () => {
  after(async () => {
    await setViewport({ width: 800, height: 600 });
  });

  it('signs in through the provider, shows the contact list and opens a contact, with Vue hearing the events', async function () {
    this.timeout(90_000);
    const built = await fetch(`${vueRoot}index.html`, { method: 'HEAD' });
    if (!built.ok) throw new Error('examples/vue is not built: run `node examples/vue/build.mjs`');
    const agency = (await (await fetch('/__crm-e2e/agency')).json()) as { baseUrl: string; email: string; password: string; error?: string };
    if (agency.error) throw new Error(`The test API did not start: ${agency.error}`);
    const crm = createCrmClient({ baseUrl: agency.baseUrl, auth: { type: 'session', email: agency.email, password: agency.password } });
    await crm.session!.login();
    const ada = await crm.contacts.create({ firstName: 'Ada', lastName: 'Vue', emails: [{ label: 'work', value: 'ada.vue@example.com', primary: true }] });
    await crm.contacts.create({ firstName: 'Evan', lastName: 'You', emails: [{ label: 'work', value: 'evan.you@example.com', primary: true }] });

    await setViewport({ width: 1280, height: 900 });
    const frame = document.createElement('iframe');
    frame.title = 'vue host';
    frame.style.cssText = 'position: fixed; inset: 0; width: 1280px; height: 900px; border: 0';
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    frame.src = `${vueRoot}index.html?api=${encodeURIComponent(agency.baseUrl)}`;
    document.body.append(frame);
    await loaded;
    const doc = frame.contentDocument!;
    const problems: string[] = [];
    doc.addEventListener('securitypolicyviolation', (e) => problems.push(`CSP ${e.violatedDirective} ${e.blockedURI}`));
    frame.contentWindow!.addEventListener('error', (e) => problems.push(`error ${e.message}`));
    try {
      // Vue rendered <crm-provider> as the custom element (not an unresolved Vue component) with our client.
      await until(() => Boolean(doc.querySelector('crm-provider')?.shadowRoot), 10_000, 'Vue rendering the provider');
      const provider = doc.querySelector<HTMLElement & { client?: { session?: { user?: { email: string } } } }>('crm-provider')!;
      expect(provider.constructor.name).to.not.equal('HTMLElement');
      const field = (name: string) => provider.shadowRoot?.querySelector(`crm-text-field[name="${name}"]`)?.shadowRoot?.querySelector('input');
      await until(() => Boolean(field('password')), 10_000, 'the sign-in form');
      field('email')!.focus();
      await sendKeys({ type: agency.email });
      field('password')!.focus();
      await sendKeys({ type: agency.password });
      await sendKeys({ press: 'Enter' });

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
      frame.remove();
    }
  });
});
