import { html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { CrmRetryRequestedEvent } from '../events/state-events.js';
import { CrmElement } from '../shared/crm-element.js';
import { stateStyles } from './state.styles.js';

/** The three states data can be in before there is anything to show. */
export type CrmStateKind = 'loading' | 'empty' | 'error';

/**
 * Shows that content is loading, empty or failed, so an element is never blank.
 *
 * @summary A loading, empty or error placeholder with a localized message.
 *
 * @slot - Extra content under the message, such as a call to action in an empty state.
 * @slot icon - An icon or illustration shown above the message.
 *
 * @event crm-retry-requested - The user pressed "Try again" on an error state.
 *
 * @csspart base - The wrapper around icon, message and actions.
 * @csspart spinner - The loading indicator.
 * @csspart message - The message text.
 * @csspart retry-button - The "Try again" button of an error state.
 *
 * @cssproperty --crm-state-color - Text colour. Defaults to `--crm-sys-color-on-surface-variant`.
 * @cssproperty --crm-state-error-color - Message colour of an error. Defaults to `--crm-sys-color-error`.
 * @cssproperty --crm-state-background - Background of the wrapper. Defaults to transparent.
 * @cssproperty --crm-state-padding - Padding of the wrapper. Defaults to `--crm-sys-spacing-l`.
 * @cssproperty --crm-state-spinner-color - Moving arc of the spinner. Defaults to `--crm-sys-color-primary`.
 * @cssproperty --crm-state-track-color - Still ring of the spinner. Defaults to `--crm-sys-color-surface-container`.
 */
export class CrmState extends CrmElement {
  static override styles = stateStyles;

  /** Which state to show: `loading`, `empty` or `error`. */
  @property({ reflect: true }) kind: CrmStateKind = 'loading';

  /** Replaces the default, localized message of the state. */
  @property() message = '';

  /** Hides the "Try again" button of an error state, for errors a retry cannot fix. */
  @property({ type: Boolean, reflect: true, attribute: 'no-retry' }) noRetry = false;

  private defaultMessage(): string {
    return this.msg(`state.${this.kind}`);
  }

  private retry(): void {
    this.emit(new CrmRetryRequestedEvent());
  }

  override render() {
    const text = this.message || this.defaultMessage();
    // role=status and role=alert make assistive technology announce the change without moving focus.
    const role = this.kind === 'error' ? 'alert' : this.kind === 'loading' ? 'status' : nothing;
    return html`
      <div part="base" role=${role}>
        <slot name="icon">
          ${this.kind === 'loading' ? html`<div part="spinner" class="spinner" aria-hidden="true"></div>` : nothing}
        </slot>
        <p part="message">${text}</p>
        ${this.kind === 'error' && !this.noRetry
          ? html`<button part="retry-button" type="button" @click=${this.retry}>${this.msg('state.retry')}</button>`
          : nothing}
        <slot></slot>
      </div>
    `;
  }
}
