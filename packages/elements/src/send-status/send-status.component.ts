import { Task } from '@lit/task';
import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { loadGreeting, resendUncertain, type Greeting } from '../shared/api/send-status.js';
import { readProblem } from '../shared/api/errors.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { CrmState } from '../state/state.component.js';
import { sendStatusStyles } from './send-status.styles.js';

/**
 * The progress of one send (a greeting): how many messages went out, failed, were skipped or are still
 * pending, and how many are uncertain, i.e. their worker stopped mid-send, so the mail server may or may
 * not have them. The API never sends an uncertain message again on its own; a user who may send can
 * resend exactly those once ("Resend these N"), and the counts are read again afterwards.
 *
 * @summary A send's delivery counts, with the uncertain ones explained and resendable once.
 *
 * @csspart counts - The list of counts (sent, failed, skipped, pending, uncertain).
 * @csspart uncertain - The uncertain count, its explanation and the resend button (only when there are any).
 * @csspart resend - The "Resend these N" button.
 *
 * @cssproperty --crm-send-status-uncertain-border - Border colour of the uncertain part. Defaults to `--crm-sys-color-error`.
 */
export class CrmSendStatus extends CrmDataElement {
  static override styles = [controlStyles, sendStatusStyles];
  static override dependencies = { 'crm-state': CrmState };

  /** The id of the greeting whose send is shown. */
  @property({ attribute: 'greeting-id' }) greetingId = '';

  /** Hides the resend button, for users who may not send (the API refuses them anyway). */
  @property({ type: Boolean, reflect: true }) readonly = false;

  @state() private greeting: Greeting | undefined;
  @state() private resending = false;
  @state() private announcement = '';

  private readonly load = new Task(this, {
    args: () => [this.client, this.greetingId] as const,
    task: async ([, id], { signal }) => {
      if (!id) throw new Error(this.msg('sendStatus.noId'));
      this.greeting = await loadGreeting(this.api, id, { signal });
    },
  });

  /** Reads the send's progress again. */
  reload(): void {
    void this.load.run();
  }

  private async resend(): Promise<void> {
    // A second click while the first request is in flight does nothing: one resend per press of the button.
    if (this.resending || !this.greeting) return;
    this.resending = true;
    this.announcement = '';
    try {
      const answer = await resendUncertain(this.api, this.greeting.id);
      this.greeting = answer.greeting;
      this.announcement = this.plural('sendStatus.resent', answer.requeued);
      this.greeting = await loadGreeting(this.api, this.greeting.id);
    } catch (error) {
      this.announcement = this.msg('sendStatus.resendFailed', { detail: readProblem(error).detail });
    } finally {
      this.resending = false;
    }
  }

  private renderProgress(greeting: Greeting) {
    const p = greeting.progress;
    const uncertain = p.uncertain ?? 0;
    return html`
      <h2>${greeting.name}</h2>
      <p class="state">${this.msg(`sendStatus.state.${p.state}`)}</p>
      <ul part="counts">
        <li>${this.plural('sendStatus.sent', p.sent)}</li>
        <li>${this.plural('sendStatus.failed', p.failed)}</li>
        <li>${this.plural('sendStatus.skipped', p.skipped)}</li>
        <li>${this.plural('sendStatus.pending', p.pending)}</li>
        ${uncertain > 0 ? html`<li class="uncertain-count">${this.plural('sendStatus.uncertain', uncertain)}</li>` : nothing}
      </ul>
      ${uncertain > 0
        ? html`<div part="uncertain">
            <p>${this.msg('sendStatus.uncertainWhy')}</p>
            ${this.readonly
              ? nothing
              : html`<button part="resend" type="button" class="primary" ?disabled=${this.resending} aria-busy=${this.resending ? 'true' : 'false'} @click=${this.resend}>
                  ${this.plural('sendStatus.resend', uncertain)}
                </button>`}
          </div>`
        : nothing}
    `;
  }

  override render() {
    return html`${this.load.render({
        initial: () => html`<crm-state kind="loading"></crm-state>`,
        pending: () => (this.greeting ? this.renderProgress(this.greeting) : html`<crm-state kind="loading"></crm-state>`),
        error: (error) => html`<crm-state kind="error" message=${readProblem(error).detail} @crm-retry-requested=${this.reload}></crm-state>`,
        complete: () => (this.greeting ? this.renderProgress(this.greeting) : nothing),
      })}
      <p class="sr-only" role="status">${this.announcement}</p>`;
  }
}
