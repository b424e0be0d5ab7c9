import { Task as LitTask } from '@lit/task';
import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { CustomerUser } from '@crm/client-sdk';
import { CrmCustomerInvitedEvent } from '../events/ticket-events.js';
import { adminStyles, problemOnFields, selectField, syncSelects, type FieldErrors } from '../shared/admin-form.js';
import { readProblem } from '../shared/api/errors.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { formatDateTime } from '../shared/format.js';
import { CrmState } from '../state/state.component.js';
import { customerInviteStyles } from './customer-invite.styles.js';

type CustomerRole = CustomerUser['role'];
const roles: CustomerRole[] = ['customer', 'customer_case_manager'];

/**
 * Invites a contact to the customers' self-service portal (issue 18), for agents: shows the contact's
 * portal identity when there is one (role, status, last sign-in) with a way to email a new sign-in link,
 * and otherwise a role (customer: their own tickets; customer case manager: their account's and its
 * child accounts') and an "Invite" button. The invitation goes through `crm.customerUsers.invite`, which
 * emails the contact a single-use sign-in link; a retried invite invites once (idempotency key).
 *
 * @summary Invite a contact to the customer portal as a customer or customer case manager.
 *
 * @event crm-customer-invited - The contact was invited, or sent a new link; `detail.customerUser` is what the API answered.
 *
 * @csspart form - The invitation form.
 * @csspart identity - The contact's portal identity, when it has one.
 * @csspart message - A message about the last action.
 *
 * @cssproperty --crm-customer-invite-background - Background of the panel. Defaults to `--crm-sys-color-surface-container`.
 */
export class CrmCustomerInvite extends CrmDataElement {
  static override styles = [controlStyles, adminStyles, customerInviteStyles];
  static override dependencies = { 'crm-state': CrmState };

  /** The contact to invite (its primary email receives the link). */
  @property({ attribute: 'contact-id', reflect: true }) contactId = '';

  @state() private portalRole: CustomerRole = 'customer';
  @state() private errors: FieldErrors = {};
  @state() private busy = false;
  @state() private message = '';
  @state() private identity: CustomerUser | null = null;

  private readonly load = new LitTask(this, {
    args: () => [this.client, this.contactId] as const,
    task: async ([client, contactId], { signal }) => {
      if (!client || !contactId) return null;
      const page = await this.api.customerUsers.list({ contactId, limit: 1 }, { signal });
      this.identity = page.data[0] ?? null;
      this.message = '';
      this.errors = {};
      return this.identity;
    },
  });

  /** Reads the contact's portal identity again. */
  reload(): void {
    void this.load.run();
  }

  protected override updated(): void {
    syncSelects(this.renderRoot);
  }

  private async invite(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this.busy) return;
    this.busy = true;
    this.message = '';
    this.errors = {};
    try {
      const invited = await this.api.customerUsers.invite({ contactId: this.contactId, role: this.portalRole }, { idempotencyKey: `invite-${this.contactId}-${this.portalRole}` });
      this.identity = invited;
      this.message = this.msg('customerInvite.sent', { email: invited.email });
      this.emit(new CrmCustomerInvitedEvent({ customerUser: invited }));
    } catch (error) {
      const problem = readProblem(error);
      const { errors, other } = problemOnFields(problem, this.renderRoot);
      this.errors = errors;
      this.message = [...Object.values(errors), ...other].join('; ') || problem.detail;
    } finally {
      this.busy = false;
    }
  }

  private async resend(): Promise<void> {
    if (this.busy || !this.identity) return;
    this.busy = true;
    this.message = '';
    try {
      const again = await this.api.customerUsers.resendInvitation(this.identity.id);
      this.identity = again;
      this.message = this.msg('customerInvite.sent', { email: again.email });
      this.emit(new CrmCustomerInvitedEvent({ customerUser: again }));
    } catch (error) {
      this.message = readProblem(error).detail;
    } finally {
      this.busy = false;
    }
  }

  private renderIdentity(identity: CustomerUser) {
    const status = this.msgOr(`customerInvite.status.${identity.status}`, identity.status);
    const role = this.msgOr(`customerInvite.role.${identity.role}`, identity.role);
    const seen = identity.lastSignInAt ? this.msg('customerInvite.lastSignIn', { date: formatDateTime(identity.lastSignInAt, this.activeLocale, this.activeTimeZone) }) : this.msg('customerInvite.neverSignedIn');
    return html`<div part="identity" class="panel">
      <h3 id="invite-heading">${this.msg('customerInvite.title')}</h3>
      <p><strong>${identity.email}</strong> · ${role} · <span data-status=${identity.status}>${status}</span></p>
      <p class="muted">${seen}</p>
      ${identity.status === 'disabled'
        ? nothing
        : html`<button type="button" data-resend ?disabled=${this.busy} aria-busy=${this.busy ? 'true' : 'false'} @click=${this.resend}>${this.msg('customerInvite.resend')}</button>`}
    </div>`;
  }

  private renderForm() {
    return html`<form part="form" class="panel" novalidate aria-labelledby="invite-heading" @submit=${this.invite}>
      <h3 id="invite-heading">${this.msg('customerInvite.title')}</h3>
      <p class="muted">${this.msg('customerInvite.explained')}</p>
      ${selectField({
        field: 'role', label: this.msg('customerInvite.roleLabel'), value: this.portalRole, error: this.errors.role,
        options: roles.map((r) => ({ value: r, label: this.msg(`customerInvite.role.${r}`) })),
        onInput: (value) => (this.portalRole = value as CustomerRole),
      })}
      <button type="submit" class="primary" ?disabled=${this.busy} aria-busy=${this.busy ? 'true' : 'false'}>${this.msg('customerInvite.invite')}</button>
    </form>`;
  }

  override render() {
    const body = this.load.render({
      initial: () => html`<crm-state kind="loading"></crm-state>`,
      pending: () => html`<crm-state kind="loading"></crm-state>`,
      error: (error) => html`<crm-state kind="error" message=${readProblem(error).detail} @crm-retry-requested=${this.reload}></crm-state>`,
      complete: () => (this.identity ? this.renderIdentity(this.identity) : this.renderForm()),
    });
    return html`${this.contactId ? body : nothing}<p part="message" class="banner" role="status">${this.message}</p>`;
  }
}
