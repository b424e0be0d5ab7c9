import { html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import { lostRoutingClient, type LostReasonGroup, type LostReview } from '../shared/api/deal-afterlife.js';
import { readProblem } from '../shared/api/errors.js';
import { afterlifeStyles } from '../shared/afterlife.styles.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { CrmState } from '../state/state.component.js';
import { lostReviewAdminStyles } from './lost-review-admin.styles.js';

type Outcome = 'reopened' | 'confirmed_lost' | 'lesson_noted';

/**
 * Lost-deal routing: the consultant groups per lost reason (add, delete; `*` catches every other reason)
 * and the lost deals under review, each with its group and an outcome to record once (confirmed lost,
 * lesson noted, re-opened) with a note.
 *
 * @summary Consultant groups per lost reason and the reviews of lost deals.
 *
 * @csspart groups - The table of groups.
 * @csspart reviews - The table of reviews.
 *
 * @cssproperty --crm-lost-review-admin-accent - Background of outcome badges.
 */
export class CrmLostReviewAdmin extends CrmDataElement {
  static override styles = [controlStyles, afterlifeStyles, lostReviewAdminStyles];
  static override dependencies = { 'crm-state': CrmState };

  @state() private groups: LostReasonGroup[] = [];
  @state() private reviews: LostReview[] = [];
  @state() private users: { id: string; name: string }[] = [];
  @state() private loaded = false;
  @state() private loadError = '';
  @state() private fieldErrors: Record<string, string> = {};
  @state() private message = '';
  @state() private busy = false;

  protected override updated(changed: Map<string, unknown>): void {
    if (changed.has('client') && this.client) void this.load();
  }

  /** Reads groups, reviews and the users to pick consultants from. */
  async load(): Promise<void> {
    try {
      this.loadError = '';
      const api = lostRoutingClient(this.client);
      const [groups, reviews, users] = await Promise.all([api.lostRouting.groups(), api.lostRouting.reviews({ limit: 50 }), api.users.list({ limit: 100 })]);
      this.groups = groups.data;
      this.reviews = reviews.data;
      this.users = users.data.map((u) => ({ id: u.id, name: u.name }));
      this.loaded = true;
    } catch (error) {
      this.loadError = readProblem(error).detail;
    }
  }

  private async createGroup(event: Event) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const memberIds = data.getAll('member').map(String);
    this.fieldErrors = {};
    if (!memberIds.length) {
      this.fieldErrors = { memberIds: this.msg('lostRouting.pickMember') };
      return;
    }
    this.busy = true;
    try {
      const created = await lostRoutingClient(this.client).lostRouting.createGroup({ reason: String(data.get('reason') ?? '').trim(), name: String(data.get('name') ?? '').trim(), memberIds });
      this.groups = [...this.groups, created];
      form.reset();
      this.message = this.msg('lostRouting.groupCreated');
    } catch (error) {
      const problem = readProblem(error);
      this.fieldErrors = Object.fromEntries(problem.fieldErrors.map((f) => [f.field.replace(/\.\d+$/, ''), f.message]));
      this.message = problem.fieldErrors.length ? '' : problem.detail;
    } finally {
      this.busy = false;
    }
  }

  private async removeGroup(group: LostReasonGroup) {
    try {
      await lostRoutingClient(this.client).lostRouting.deleteGroup(group.id);
      this.groups = this.groups.filter((g) => g.id !== group.id);
      this.message = this.msg('lostRouting.deleted');
    } catch (error) {
      this.message = readProblem(error).detail;
    }
  }

  private async decide(event: Event, review: LostReview) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const note = String(data.get('note') ?? '').trim();
    try {
      const decided = await lostRoutingClient(this.client).lostRouting.decide(review.id, { outcome: String(data.get('outcome')) as Outcome, ...(note ? { note } : {}) });
      this.reviews = this.reviews.map((r) => (r.id === decided.id ? decided : r));
      this.message = this.msg('lostRouting.decided', { deal: review.opportunityName });
    } catch (error) {
      this.message = readProblem(error).detail;
    }
  }

  private outcomeLabel(outcome: Outcome | null) {
    return outcome ? this.msg(`lostRouting.outcome.${outcome}`) : this.msg('lostRouting.open');
  }

  private renderGroups() {
    const name = (id: string) => this.users.find((u) => u.id === id)?.name ?? id;
    return this.groups.length
      ? html`<div class="scroll"><table part="groups">
          <caption>${this.plural('lostRouting.groupCount', this.groups.length)}</caption>
          <thead><tr><th scope="col">${this.msg('lostRouting.reason')}</th><th scope="col">${this.msg('lostRouting.groupName')}</th><th scope="col">${this.msg('lostRouting.members')}</th><th scope="col">${this.msg('lostRouting.actions')}</th></tr></thead>
          <tbody>${this.groups.map(
            (g) => html`<tr data-group=${g.reason}>
              <th scope="row">${g.reason}</th>
              <td>${g.name}</td>
              <td>${g.memberIds.map(name).join(', ')}</td>
              <td><button type="button" data-delete=${g.id} aria-label=${this.msg('lostRouting.deleteFor', { reason: g.reason })} @click=${() => this.removeGroup(g)}>${this.msg('lostRouting.delete')}</button></td>
            </tr>`,
          )}</tbody>
        </table></div>`
      : html`<crm-state kind="empty" message=${this.msg('lostRouting.groupsEmpty')}></crm-state>`;
  }

  private renderReviews() {
    if (!this.reviews.length) return html`<p data-reviews-empty>${this.msg('lostRouting.reviewsEmpty')}</p>`;
    return html`<div class="scroll"><table part="reviews">
      <caption>${this.plural('lostRouting.reviewCount', this.reviews.filter((r) => r.state === 'open').length)}</caption>
      <thead><tr><th scope="col">${this.msg('lostRouting.deal')}</th><th scope="col">${this.msg('lostRouting.reason')}</th><th scope="col">${this.msg('lostRouting.group')}</th><th scope="col">${this.msg('lostRouting.outcome')}</th></tr></thead>
      <tbody>${this.reviews.map(
        (r) => html`<tr data-review=${r.id}>
          <th scope="row">${r.opportunityName}</th>
          <td>${r.reason}</td>
          <td>${r.groupName ?? '—'}</td>
          <td>${r.state === 'decided'
            ? html`<span class="badge" data-outcome=${r.outcome}>${this.outcomeLabel(r.outcome)}</span>${r.note ? html`<br /><small>${r.note}</small>` : nothing}`
            : html`<form class="inline" aria-label=${this.msg('lostRouting.decideFor', { deal: r.opportunityName })} @submit=${(e: Event) => this.decide(e, r)}>
                <label>${this.msg('lostRouting.outcome')}
                  <select name="outcome" data-outcome-select>${(['confirmed_lost', 'lesson_noted', 'reopened'] as const).map((o) => html`<option value=${o}>${this.outcomeLabel(o)}</option>`)}</select>
                </label>
                <label>${this.msg('lostRouting.note')} <input name="note" data-note maxlength="4000" /></label>
                <button type="submit" data-decide=${r.id}>${this.msg('lostRouting.decide')}</button>
              </form>`}</td>
        </tr>`,
      )}</tbody>
    </table></div>`;
  }

  override render() {
    if (this.loadError) return html`<crm-state kind="error" message=${this.loadError} @crm-retry-requested=${() => this.load()}></crm-state>`;
    if (!this.loaded) return html`<crm-state kind="loading"></crm-state>`;
    const error = (field: string) => (this.fieldErrors[field] ? html`<span class="field-error" id=${`e-${field}`} role="alert">${this.fieldErrors[field]}</span>` : nothing);
    return html`
      ${this.renderGroups()}
      <form @submit=${(e: Event) => this.createGroup(e)} novalidate aria-labelledby="new-group">
        <h3 id="new-group">${this.msg('lostRouting.newGroup')}</h3>
        <div class="grid">
          <label>${this.msg('lostRouting.reason')} <input name="reason" data-field="reason" required maxlength="200" aria-invalid=${this.fieldErrors.reason ? 'true' : 'false'} aria-describedby=${this.fieldErrors.reason ? 'e-reason' : 'reason-hint'} /></label>
          <label>${this.msg('lostRouting.groupName')} <input name="name" data-field="name" required maxlength="120" /></label>
        </div>
        <p class="hint" id="reason-hint">${this.msg('lostRouting.reasonHint')}</p>
        ${error('reason')}
        <fieldset aria-describedby=${this.fieldErrors.memberIds ? 'e-memberIds' : nothing}>
          <legend>${this.msg('lostRouting.members')}</legend>
          ${this.users.map((u) => html`<label><input type="checkbox" name="member" value=${u.id} data-member=${u.id} /> ${u.name}</label>`)}
        </fieldset>
        ${error('memberIds')}
        <button type="submit" class="primary" data-create ?disabled=${this.busy}>${this.msg('lostRouting.createGroup')}</button>
      </form>
      ${this.renderReviews()}
      <p class="message" role="status">${this.message}</p>
    `;
  }
}
