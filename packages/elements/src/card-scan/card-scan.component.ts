import type { CardScan } from '@crm/client-sdk';
import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { CrmContactEditor } from '../contact-editor/contact-editor.component.js';
import { CrmState } from '../state/state.component.js';
import { CrmCardScannedEvent } from '../events/card-scan-events.js';
import type { CrmStringKey } from '../i18n/strings.en.js';
import { draftAsContact, scanCard } from '../shared/api/card-scan.js';
import { readProblem } from '../shared/api/errors.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { cardScanStyles } from './card-scan.styles.js';

/** Below this confidence a field is named for the person to check. */
const CHECK_BELOW = 0.6;
const fieldKeys: Record<keyof CardScan['confidence'], CrmStringKey> = {
  name: 'cardScan.field.name',
  jobTitle: 'cardScan.field.jobTitle',
  company: 'cardScan.field.company',
  emails: 'cardScan.field.emails',
  phones: 'cardScan.field.phones',
  address: 'cardScan.field.address',
  website: 'cardScan.field.website',
};

/**
 * Scans a business card into a new contact: the person takes or chooses a photo, the API reads it
 * (`crm.contacts.scanCard`: OCR on the server, English and German), and the contact form opens
 * prefilled for review; Save creates the contact with the normal create. Fields the reading is unsure
 * of are named, and the recognised text is at hand to compare.
 *
 * @summary Photo of a business card in, a prefilled contact form out.
 *
 * @event crm-card-scanned - The card was read and its draft is shown; `detail.scan` is the API's answer (draft, text, confidence per field).
 * @event crm-contact-saved - From the review form: the contact was created; `detail.contact` is the API's record, `detail.created` is true.
 * @event crm-contact-cancel - From the review form: the person left it without saving; the element is back at the photo button.
 *
 * @csspart picker - The area with the photo button, before a scan.
 * @csspart button - The "Take or choose a photo" button.
 * @csspart progress - The progress shown while the card is read.
 * @csspart review - The review: what to check, the recognised text and the contact form.
 *
 * @cssproperty --crm-card-scan-accent - The photo button and progress. Defaults to `--crm-sys-color-primary`.
 * @cssproperty --crm-card-scan-background - Background. Defaults to `--crm-sys-color-surface`.
 */
export class CrmCardScan extends CrmDataElement {
  static override styles = [controlStyles, cardScanStyles];
  static override dependencies = { 'crm-contact-editor': CrmContactEditor, 'crm-state': CrmState };

  /** Hides owner and product in the review form (for hosts that assign records elsewhere). */
  @property({ type: Boolean, reflect: true, attribute: 'no-assignment' }) noAssignment = false;

  @state() private phase: 'pick' | 'scanning' | 'review' = 'pick';
  @state() private scan: CardScan | undefined;
  @state() private error = '';
  @state() private announcement = '';
  private reading: AbortController | undefined;
  /** The last photo picked, read again on "Try again". */
  private photo: File | undefined;

  override disconnectedCallback(): void {
    this.reading?.abort();
    super.disconnectedCallback();
  }

  private async picked(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file) await this.read(file);
  }

  private async read(file: File): Promise<void> {
    this.photo = file;
    this.reading?.abort();
    const reading = new AbortController();
    this.reading = reading;
    this.phase = 'scanning';
    this.error = '';
    this.announcement = this.msg('cardScan.reading');
    try {
      const scan = await scanCard(this.api, file, { signal: reading.signal });
      if (reading.signal.aborted) return;
      this.scan = scan;
      this.phase = 'review';
      const found = Object.values(scan.confidence).filter((c) => c !== null).length;
      this.announcement = found ? this.msg('cardScan.read') : this.msg('cardScan.nothingRead');
      this.emit(new CrmCardScannedEvent({ scan }));
    } catch (error) {
      if (reading.signal.aborted) return;
      this.phase = 'pick';
      this.error = readProblem(error).detail;
      this.announcement = this.error;
    }
  }

  private cancel(): void {
    this.reading?.abort();
    this.phase = 'pick';
    this.announcement = this.msg('cardScan.cancelled');
  }

  /** Back to the photo button, forgetting the last scan (a host reopening the element for the next card calls it). */
  reset(): void {
    this.reading?.abort();
    this.scan = undefined;
    this.error = '';
    this.phase = 'pick';
    this.announcement = '';
  }

  private renderPicker() {
    return html`
      <div part="picker" class="picker">
        <label class="pick" part="button">
          <input type="file" accept="image/*" capture="environment" @change=${this.picked} />
          <span>${this.msg('cardScan.choose')}</span>
        </label>
        <p class="muted hint">${this.msg('cardScan.hint')}</p>
        ${this.error ? html`<crm-state kind="error" message=${this.error} @crm-retry-requested=${() => this.photo && void this.read(this.photo)}></crm-state>` : nothing}
      </div>
    `;
  }

  private renderProgress() {
    return html`
      <div class="progress" part="progress">
        <crm-state kind="loading" message=${this.msg('cardScan.reading')}>
          <button type="button" @click=${this.cancel}>${this.msg('cardScan.cancel')}</button>
        </crm-state>
      </div>
    `;
  }

  private renderReview(scan: CardScan) {
    const unsure = (Object.keys(fieldKeys) as Array<keyof typeof fieldKeys>).filter((f) => scan.confidence[f] !== null && scan.confidence[f]! < CHECK_BELOW);
    const missing = (['name', 'emails', 'phones'] as const).filter((f) => scan.confidence[f] === null);
    return html`
      <div part="review" class="review">
        <div class="row head">
          <p class="summary">${this.msg('cardScan.review')}</p>
          <button type="button" class="again" @click=${() => this.reset()}>${this.msg('cardScan.again')}</button>
        </div>
        ${unsure.length ? html`<p class="banner check">${this.msg('cardScan.check', { fields: unsure.map((f) => this.msg(fieldKeys[f])).join(', ') })}</p>` : nothing}
        ${missing.length ? html`<p class="banner check">${this.msg('cardScan.missing', { fields: missing.map((f) => this.msg(fieldKeys[f])).join(', ') })}</p>` : nothing}
        <details>
          <summary>${this.msg('cardScan.text')}</summary>
          <pre>${scan.text || '—'}</pre>
        </details>
        <crm-contact-editor .initial=${draftAsContact(scan)} ?no-assignment=${this.noAssignment} @crm-contact-cancel=${() => this.reset()}></crm-contact-editor>
      </div>
    `;
  }

  override render() {
    return html`
      ${this.phase === 'pick' ? this.renderPicker() : this.phase === 'scanning' ? this.renderProgress() : this.scan ? this.renderReview(this.scan) : nothing}
      <p class="sr-only" role="status">${this.announcement}</p>
    `;
  }
}
