// The business-card scan in the example portal (examples/portal) end to end, in Chromium against the real
// API that web-test-runner starts (scripts/e2e-api-plugin.mjs): Contacts > "Scan a business card", a card
// drawn on a canvas in a system font picked as the photo, the API's real OCR (tesseract.js from npm), the
// prefilled form, Save, and the contact in the viewer and in the API afterwards. The portal comes from
// `node examples/portal/build.mjs`, which this test expects to have run.
import type { CrmClient } from '@crm/client-sdk';
import { expect } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import type { Contact } from '../shared/api/types.js';
import { until, type LiveApi } from '../test/live-api.js';
import { exampleAgency, examplesRoot, openHostFrame, signInByKeyboard } from './host-frame.js';

const portalRoot = `${examplesRoot}portal/`;

const shadowOf = (root: ParentNode | null | undefined, selector: string): ShadowRoot | null => root?.querySelector(selector)?.shadowRoot ?? null;
const text = (node: Node | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();

/** A business card as a phone photo of it would show, as a PNG file: the name large, the rest smaller. */
async function drawCard(name: string, lines: string[]): Promise<File> {
  const canvas = document.createElement('canvas');
  canvas.width = 1400;
  canvas.height = 180 + lines.length * 56;
  const g = canvas.getContext('2d')!;
  g.fillStyle = '#fff';
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.fillStyle = '#111';
  g.textBaseline = 'top';
  g.font = '60px "DejaVu Sans", "Liberation Sans", sans-serif';
  g.fillText(name, 70, 50);
  g.font = '34px "DejaVu Sans", "Liberation Sans", sans-serif';
  lines.forEach((line, i) => g.fillText(line, 70, 150 + i * 56));
  const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
  return new File([blob], 'card.png', { type: 'image/png' });
}

describe('the example portal: scanning a business card into a contact', () => {
  let agency: LiveApi;
  let crm: CrmClient;

  before(async function () {
    this.timeout(60_000);
    await setViewport({ width: 1400, height: 1000 });
    agency = await exampleAgency(`${portalRoot}dist/portal.js`, 'node examples/portal/build.mjs');
    crm = agency.client;
  });

  it('plain HTML: Scan a business card reads the photo with the real OCR, prefills the form, and Save creates the contact', async function () {
    this.timeout(120_000);
    const { doc, problems, close } = await openHostFrame(`${portalRoot}dist/index.html?api=${encodeURIComponent(agency.baseUrl)}`, { title: 'portal' });
    try {
      await signInByKeyboard(doc, agency);
      await until(() => Boolean(doc.querySelector('crm-contact-list')) && !doc.getElementById('scan-card')!.closest('[hidden]'), 10_000, 'the portal after sign-in');

      const button = doc.getElementById('scan-card')!;
      expect(text(button)).to.equal('Scan a business card');
      button.click();
      const scanner = doc.querySelector<HTMLElement>('crm-card-scan')!;
      await until(() => !scanner.hidden && Boolean(scanner.shadowRoot?.querySelector('input[type="file"]')), 10_000, 'the photo button');

      // Unique per run, in digits: an OCR tells digits apart better than a random mix of letters and digits (0 and o).
      const email = `lena.fischer.${String(Date.now()).slice(-6)}@bluehafen.de`;
      const photo = await drawCard('Lena Fischer', ['Leiterin Vertrieb', 'Bluehafen Logistik GmbH', 'Am Sandtorkai 12', '20457 Hamburg', 'Tel. +49 40 3012345', 'Mobil 0160 5551234', email]);
      const input = scanner.shadowRoot!.querySelector<HTMLInputElement>('input[type="file"]')!;
      const transfer = new DataTransfer();
      transfer.items.add(photo);
      input.files = transfer.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));

      const editor = () => shadowOf(scanner.shadowRoot, 'crm-contact-editor');
      const value = (name: string) => editor()?.querySelector(`crm-text-field[name="${name}"]`)?.shadowRoot?.querySelector('input')?.value;
      await until(() => value('firstName') === 'Lena', 60_000, 'the form prefilled from the card');
      expect(value('lastName')).to.equal('Fischer');
      expect(value('jobTitle')).to.equal('Leiterin Vertrieb');
      editor()!.querySelector<HTMLElement>('[part="save-button"]')!.click();

      const viewer = doc.querySelector<HTMLElement & { contactId: string }>('crm-contact-viewer')!;
      await until(() => !viewer.hidden && text(viewer.shadowRoot?.querySelector('[part="name"]')).includes('Lena Fischer'), 15_000, 'the new contact in the viewer');
      expect(scanner.hidden).to.equal(true);
      const stored = await crm.transport.get<Contact>(`/v1/contacts/${viewer.contactId}`);
      expect(stored.emails.map((e) => e.value)).to.deep.equal([email]);
      expect(stored.company?.name).to.equal('Bluehafen Logistik GmbH');
      expect(stored.phones.map((p) => [p.label, p.value, p.primary])).to.deep.equal([['work', '+49 40 3012345', true], ['mobile', '0160 5551234', false]]);
      expect(stored.addresses[0]).to.include({ line1: 'Am Sandtorkai 12', postalCode: '20457', city: 'Hamburg' });
      expect(problems).to.deep.equal([]);
    } finally {
      close();
    }
  });
});
