import { html } from 'lit';
import { property, state } from 'lit/decorators.js';
import { CrmCallPlacedEvent, CrmRequestCallEvent } from '../events/call-events.js';
import { readProblem } from '../shared/api/errors.js';
import { voipClient } from '../shared/api/voip.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { callButtonStyles } from './call-button.styles.js';

/**
 * Click-to-call (issue 22): asks the signed-in user's Yealink phone to dial a contact's or lead's number
 * (`crm.voip.call`). The phone reports the call back to the CRM, and when it ends it lands on the record's
 * timeline. Says what happened in a live region beside the button.
 *
 * @summary A "Call" button that dials a record's number on your desk phone.
 *
 * @event crm-request-call - Before dialling; cancelable.
 * @event crm-call-placed - The phone accepted the call; `detail.call` is the recorded attempt.
 *
 * @csspart button - The call button.
 * @csspart status - What happened (calling, or why not).
 *
 * @cssproperty --crm-call-button-background - The button's background. Defaults to `--crm-sys-color-primary`.
 * @cssproperty --crm-call-button-color - The button's text colour. Defaults to `--crm-sys-color-on-primary`.
 */
export class CrmCallButton extends CrmDataElement {
  static override styles = [controlStyles, callButtonStyles];

  /** The kind of record to call: `contact` or `lead`. */
  @property({ attribute: 'subject-type', reflect: true }) subjectType: 'contact' | 'lead' = 'contact';
  /** The record's id. */
  @property({ attribute: 'subject-id', reflect: true }) subjectId = '';
  /** One of the record's numbers to dial; empty: its primary number. Shown on the button when set. */
  @property({ reflect: true }) number = '';
  /** Disables the button. */
  @property({ type: Boolean, reflect: true }) disabled = false;

  @state() private busy = false;
  @state() private status = '';
  @state() private failed = false;

  /** Dials, as a click on the button does. */
  async call(): Promise<void> {
    if (this.busy || this.disabled || !this.subjectId) return;
    const subject = { type: this.subjectType, id: this.subjectId };
    if (this.emit(new CrmRequestCallEvent({ subject, number: this.number || null })).defaultPrevented) return;
    this.busy = true;
    this.failed = false;
    this.status = this.msg('callButton.dialling');
    try {
      const call = await voipClient(this.client).voip.call({ subject, ...(this.number ? { number: this.number } : {}) });
      this.status = this.msg('callButton.calling', { number: call.remote });
      this.emit(new CrmCallPlacedEvent({ call }));
    } catch (error) {
      const problem = readProblem(error);
      this.failed = true;
      const refused = problem.fieldErrors.find((e) => e.field === 'phone' || e.field === 'number' || e.field === 'subject.id');
      // A 409 without a field: no phone is saved for this user yet.
      this.status = refused ? this.msg('callButton.failed', { detail: refused.message }) : problem.status === 409 ? this.msg('callButton.noPhone') : this.msg('callButton.failed', { detail: problem.detail });
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const label = this.number ? this.msg('callButton.callNumber', { number: this.number }) : this.msg('callButton.call');
    return html`<button part="button" type="button" ?disabled=${this.disabled || this.busy || !this.subjectId} aria-busy=${this.busy ? 'true' : 'false'} @click=${() => this.call()}>${label}</button>
      <p part="status" role="status" class=${this.failed ? 'failed' : ''}>${this.status}</p>`;
  }
}
