// <crm-card-scan> with the SDK's `crm.contacts.scanCard` over a double of the scan route (the OCR and the
// parsing are tested in packages/api on generated card images) and the in-memory API for the contact it
// creates: a photo picked, the progress, the review form prefilled, save through the normal create,
// the API's refusal shown, en and de, 390 and 1280 px, keyboard, axe.
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../provider/provider.js';
import type { CrmContactEditor } from '../contact-editor/contact-editor.component.js';
import type { CrmDataClient } from '../shared/api/transport.js';
import { expectAccessible } from '../test/axe.js';
import { until } from '../test/live-api.js';
import { cardPhoto, cardScanClient } from '../test/memory-card-scan.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
import type { CrmCardScan } from './card-scan.component.js';
import './card-scan.js';

const user = { id: '000000000000000000000001', name: 'Sam Sales', email: 'sam@example.com' };

async function mount(client: CrmDataClient, locale = 'en'): Promise<CrmCardScan> {
  const provider = await fixture(html`<crm-provider .client=${client} .user=${user} locale=${locale}><crm-card-scan></crm-card-scan></crm-provider>`);
  return provider.querySelector('crm-card-scan')!;
}

const root = (s: CrmCardScan) => s.shadowRoot!;

/** Picks `file` in the element's file input, as the camera or the file chooser would. */
function pick(s: CrmCardScan, file: File): void {
  const input = root(s).querySelector<HTMLInputElement>('input[type="file"]')!;
  const transfer = new DataTransfer();
  transfer.items.add(file);
  input.files = transfer.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

const editorOf = (s: CrmCardScan) => root(s).querySelector<CrmContactEditor>('crm-contact-editor');
const field = (editor: CrmContactEditor, name: string) => editor.shadowRoot!.querySelector<HTMLElement & { value: string }>(`crm-text-field[name="${name}"]`);

describe('crm-card-scan', () => {
  afterEach(resetViewport);

  it('should offer the camera, show progress, then open the contact form prefilled and create the contact on save', async () => {
    const { client, memory, requests } = cardScanClient();
    const s = await mount(client);
    const input = root(s).querySelector<HTMLInputElement>('input[type="file"]')!;
    expect(input.accept).to.equal('image/*');
    expect(input.getAttribute('capture')).to.equal('environment');
    expect(root(s).querySelector('.pick')!.textContent!.trim()).to.equal('Take or choose a photo of a card');
    await expectAccessible(s);

    const scanned: unknown[] = [];
    const saved: Array<{ contact: { id: string; firstName: string }; created: boolean }> = [];
    s.addEventListener('crm-card-scanned', (e) => scanned.push(e.detail.scan));
    s.addEventListener('crm-contact-saved', (e) => saved.push(e.detail as never));
    pick(s, cardPhoto());
    await until(() => Boolean(editorOf(s)), 5000, 'review form shown');
    expect(requests).to.deep.equal([{ contentType: 'image/png', size: cardPhoto().size }]);
    expect(scanned).to.have.length(1);
    expect(root(s).querySelector('[role="status"]')!.textContent).to.equal('Card read. Check the contact, then save it.');
    expect(root(s).querySelector('.check')!.textContent).to.contain('job title');
    expect(root(s).querySelector('details pre')!.textContent).to.contain('Nordlicht Software GmbH');

    const editor = editorOf(s)!;
    await until(() => field(editor, 'firstName')?.value === 'Jana', 5000, 'form prefilled');
    expect(field(editor, 'lastName')!.value).to.equal('Schmidt');
    expect(editor.dirty, 'the draft is unsaved').to.equal(true);
    await expectAccessible(s);

    const before = memory.contacts.length;
    editor.shadowRoot!.querySelector<HTMLFormElement>('form')!.requestSubmit();
    await until(() => saved.length === 1, 5000, 'contact created');
    expect(saved[0]!.created).to.equal(true);
    expect(memory.contacts).to.have.length(before + 1);
    const created = memory.contacts.at(-1)!;
    expect(created.firstName).to.equal('Jana');
    expect(created.company?.name).to.equal('Nordlicht Software GmbH');
    expect(created.phones?.map((p) => [p.label, p.primary])).to.deep.equal([['work', true], ['mobile', false], ['fax', false]]);

    root(s).querySelector<HTMLButtonElement>('.again')!.click();
    await until(() => Boolean(root(s).querySelector('input[type="file"]')) && !editorOf(s), 5000, 'back to the photo button for the next card');
  });

  it('should show the progress while the card is read, and cancel back to the picker from the keyboard', async () => {
    const s = await mount(cardScanClient('hold').client);
    pick(s, cardPhoto());
    await until(() => Boolean(root(s).querySelector('crm-state[kind="loading"]')), 5000, 'progress shown');
    expect(root(s).querySelector('[role="status"]')!.textContent).to.equal('Reading the card…');
    await expectAccessible(s);
    root(s).querySelector<HTMLButtonElement>('.progress crm-state button')!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => Boolean(root(s).querySelector('input[type="file"]')), 5000, 'picker back');
    expect(root(s).querySelector('[role="status"]')!.textContent).to.equal('Scan cancelled.');
  });

  it("should show the API's refusal in German and let the person pick another photo", async () => {
    const s = await mount(cardScanClient({ status: 415, code: 'unsupported_media_type', detail: 'Send the photo as image/png, image/jpeg, image/webp' }).client, 'de');
    expect(root(s).querySelector('.pick')!.textContent!.trim()).to.equal('Foto einer Visitenkarte aufnehmen oder wählen');
    pick(s, cardPhoto('card.heic'));
    await until(() => Boolean(root(s).querySelector('crm-state[kind="error"]')), 5000, 'refusal shown');
    expect(root(s).querySelector<HTMLElement & { message: string }>('crm-state[kind="error"]')!.message).to.equal('Send the photo as image/png, image/jpeg, image/webp');
    expect(root(s).querySelector('input[type="file"]')).to.not.equal(null);
    await expectAccessible(s);
  });

  for (const width of [phoneWidth, deskWidth]) {
    it(`should fit ${width} px, picking and reviewing`, async () => {
      await useViewport(width);
      const s = await mount(cardScanClient().client);
      expectFitsLayout(s);
      pick(s, cardPhoto());
      await until(() => Boolean(editorOf(s) && field(editorOf(s)!, 'firstName')?.value === 'Jana'), 5000, 'review form shown');
      expectFitsLayout(s);
      await expectAccessible(s);
    });
  }
});
