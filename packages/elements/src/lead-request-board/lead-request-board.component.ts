import { html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import type { CrmStringKey } from '../i18n/index.js';
import { leadRequestClient, type LeadRequest, type LeadRequestItem } from '../shared/api/deal-afterlife.js';
import { readProblem } from '../shared/api/errors.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { CrmState } from '../state/state.component.js';
import { afterlifeStyles } from '../shared/afterlife.styles.js';
import { leadRequestBoardStyles } from './lead-request-board.styles.js';

/**
 * Requests for leads: a form to ask for leads by criteria (needed count, industry, country, region,
 * employees, size), the requests with their workflow state and delivered count, and the selected one's
 * workflow: proposing leads, vetting them, approval, delivery against the needed count, extension,
 * closure, reopen, and a sales campaign started on exactly the delivered leads.
 *
 * @summary Requests for leads, their workflow, and a campaign on what they deliver.
 *
 * @csspart table - The table of requests.
 * @csspart detail - The selected request.
 *
 * @cssproperty --crm-lead-request-board-accent - Background of state badges.
 */
export class CrmLeadRequestBoard extends CrmDataElement {
  static override styles = [controlStyles, afterlifeStyles, leadRequestBoardStyles];
  static override dependencies = { 'crm-state': CrmState };

  @state() private requests: LeadRequest[] = [];
  @state() private loaded = false;
  @state() private loadError = '';
  @state() private fieldErrors: Record<string, string> = {};
  @state() private message = '';
  @state() private busy = false;
  @state() private selected?: LeadRequest;
  @state() private items: LeadRequestItem[] = [];
  @state() private leads: { id: string; name: string }[] = [];
  /** The lead whose vetting decision was sent last (its refusal is shown on its row). */
  @state() private vetting = '';

  protected override updated(changed: Map<string, unknown>): void {
    if (changed.has('client') && this.client) void this.load();
  }

  /** Reads the requests again. */
  async load(): Promise<void> {
    try {
      this.loadError = '';
      this.requests = (await leadRequestClient(this.client).leadRequests.list({ limit: 50 })).data;
      this.loaded = true;
    } catch (error) {
      this.loadError = readProblem(error).detail;
    }
  }

  private board() {
    return leadRequestClient(this.client);
  }

  private async run(action: () => Promise<LeadRequest | undefined>, done?: string) {
    this.busy = true;
    this.fieldErrors = {};
    try {
      const updated = await action();
      if (updated) this.replace(updated);
      if (this.selected) this.items = (await this.board().leadRequests.leads(this.selected.id)).data;
      if (done) this.message = done;
    } catch (error) {
      const problem = readProblem(error);
      this.fieldErrors = Object.fromEntries(problem.fieldErrors.map((f) => [f.field, f.message]));
      this.message = problem.detail;
    } finally {
      this.busy = false;
    }
  }

  private replace(updated: LeadRequest) {
    this.requests = this.requests.some((r) => r.id === updated.id) ? this.requests.map((r) => (r.id === updated.id ? updated : r)) : [updated, ...this.requests];
    if (this.selected?.id === updated.id) this.selected = updated;
  }

  private async create(event: Event) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? '').trim() || null;
    const num = (name: string) => (text(name) === null ? null : Number(text(name)));
    await this.run(async () => {
      const created = await this.board().leadRequests.create({
        title: text('title') ?? '',
        criteria: { neededCount: num('neededCount') ?? 0, industry: text('industry'), country: text('country')?.toUpperCase() ?? null, region: text('region'), employeesMin: num('employeesMin'), employeesMax: num('employeesMax'), size: (text('size') as 'small' | null) ?? null },
      });
      form.reset();
      return created;
    }, this.msg('leadRequests.created'));
  }

  /** Saves the criteria of the selected request (a field left empty clears that criterion). */
  private async saveCriteria(event: Event, r: LeadRequest) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const text = (name: string) => String(data.get(name) ?? '').trim() || null;
    const num = (name: string) => (text(name) === null ? null : Number(text(name)));
    await this.run(
      () =>
        this.board().leadRequests.update(r.id, {
          version: r.version,
          criteria: { neededCount: num('c-neededCount') ?? 0, industry: text('c-industry'), country: text('c-country')?.toUpperCase() ?? null, region: text('c-region'), employeesMin: num('c-employeesMin'), employeesMax: num('c-employeesMax'), size: (text('c-size') as 'small' | null) ?? null },
        }),
      this.msg('leadRequests.criteriaSaved'),
    );
  }

  /** The selected request's criteria: a form while they may change, else a read-only list. */
  private renderCriteria(r: LeadRequest) {
    const c = r.criteria;
    const sizes = ['micro', 'small', 'medium', 'large', 'enterprise'];
    const sizeLabel = (size: string | null) => (size ? this.msg(`leadRequests.size.${size}` as CrmStringKey) : '—');
    if (r.status === 'delivered' || r.status === 'closed') {
      const employees = c.employeesMin == null && c.employeesMax == null ? '—' : `${c.employeesMin ?? '…'}–${c.employeesMax ?? '…'}`;
      return html`<dl class="criteria" data-criteria-list aria-label=${this.msg('leadRequests.criteria')}>
        <dt>${this.msg('leadRequests.industry')}</dt><dd>${c.industry ?? '—'}</dd>
        <dt>${this.msg('leadRequests.region')}</dt><dd>${c.region ?? '—'}</dd>
        <dt>${this.msg('leadRequests.country')}</dt><dd>${c.country ?? '—'}</dd>
        <dt>${this.msg('leadRequests.employees')}</dt><dd data-criteria-employees>${employees}</dd>
        <dt>${this.msg('leadRequests.size')}</dt><dd data-criteria-size>${sizeLabel(c.size)}</dd>
      </dl>`;
    }
    const error = (field: string) => (this.fieldErrors[field] ? html`<span class="field-error" id=${`ce-${field.replace(/\./g, '-')}`} role="alert">${this.fieldErrors[field]}</span>` : nothing);
    const invalid = (field: string) => (this.fieldErrors[field] ? 'true' : 'false');
    const described = (field: string) => (this.fieldErrors[field] ? `ce-${field.replace(/\./g, '-')}` : nothing);
    const input = (name: 'neededCount' | 'industry' | 'region' | 'country' | 'employeesMin' | 'employeesMax', type: 'text' | 'number', value: string | number | null) =>
      html`<label>${this.msg(`leadRequests.${name}` as CrmStringKey)} <input name=${`c-${name}`} data-criteria=${name} type=${type} min=${type === 'number' ? '0' : nothing} .value=${value === null ? '' : String(value)} aria-invalid=${invalid(`criteria.${name}`)} aria-describedby=${described(`criteria.${name}`)} /></label>`;
    return html`<form class="criteria" data-criteria-form @submit=${(e: Event) => this.saveCriteria(e, r)} novalidate aria-labelledby="criteria-heading">
      <h4 id="criteria-heading">${this.msg('leadRequests.criteria')}</h4>
      <div class="grid">
        ${input('neededCount', 'number', c.neededCount)}${input('industry', 'text', c.industry)}${input('region', 'text', c.region)}${input('country', 'text', c.country)}
        ${input('employeesMin', 'number', c.employeesMin)}${input('employeesMax', 'number', c.employeesMax)}
        <label>${this.msg('leadRequests.size')}
          <select name="c-size" data-criteria="size" aria-invalid=${invalid('criteria.size')}><option value="" ?selected=${!c.size}>—</option>${sizes.map((size) => html`<option value=${size} ?selected=${c.size === size}>${sizeLabel(size)}</option>`)}</select>
        </label>
      </div>
      ${['neededCount', 'country', 'employeesMin', 'employeesMax', 'size'].map((f) => error(`criteria.${f}`))}
      <button type="submit" data-save-criteria ?disabled=${this.busy}>${this.msg('leadRequests.saveCriteria')}</button>
    </form>`;
  }

  /** Why a lead is outside the criteria, in words: "outside the criteria: Employees to, Size". */
  private outsideLabel(item: LeadRequestItem) {
    const names = (item.mismatches ?? []).map((f) => this.msg(`leadRequests.${f}` as CrmStringKey));
    return names.length ? this.msg('leadRequests.outside', { fields: new Intl.ListFormat(this.activeLocale, { style: 'short', type: 'conjunction' }).format(names) }) : this.msg('leadRequests.offCriteria');
  }

  private async open(request: LeadRequest) {
    this.selected = request;
    this.message = '';
    await this.run(async () => {
      if (!this.leads.length) this.leads = (await this.board().leads.list({ limit: 50 })).data.map((l) => ({ id: l.id, name: l.fullName || l.companyName || l.id }));
      return undefined;
    });
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[data-detail-heading]')?.focus();
  }

  private stateLabel(status: string) {
    const key = `leadRequests.state.${status}` as CrmStringKey;
    return this.msg(key) === key ? status : this.msg(key);
  }

  private renderForm() {
    const error = (field: string) => (this.fieldErrors[field] ? html`<span class="field-error" id=${`e-${field.replace(/\./g, '-')}`} role="alert">${this.fieldErrors[field]}</span>` : nothing);
    const invalid = (field: string) => (this.fieldErrors[field] ? 'true' : 'false');
    const described = (field: string) => (this.fieldErrors[field] ? `e-${field.replace(/\./g, '-')}` : nothing);
    return html`<form @submit=${(e: Event) => this.create(e)} novalidate aria-labelledby="new-request">
      <h3 id="new-request">${this.msg('leadRequests.new')}</h3>
      <div class="grid">
        <label>${this.msg('leadRequests.title')} <input name="title" data-field="title" required maxlength="200" aria-invalid=${invalid('title')} aria-describedby=${described('title')} /></label>
        <label>${this.msg('leadRequests.neededCount')} <input name="neededCount" data-field="neededCount" type="number" min="1" required aria-invalid=${invalid('criteria.neededCount')} aria-describedby=${described('criteria.neededCount')} /></label>
        <label>${this.msg('leadRequests.industry')} <input name="industry" data-field="industry" maxlength="100" /></label>
        <label>${this.msg('leadRequests.country')} <input name="country" data-field="country" maxlength="2" placeholder="DE" aria-invalid=${invalid('criteria.country')} aria-describedby=${described('criteria.country')} /></label>
        <label>${this.msg('leadRequests.region')} <input name="region" data-field="region" maxlength="100" /></label>
        <label>${this.msg('leadRequests.employeesMin')} <input name="employeesMin" type="number" min="0" /></label>
        <label>${this.msg('leadRequests.employeesMax')} <input name="employeesMax" type="number" min="0" /></label>
        <label>${this.msg('leadRequests.size')}
          <select name="size"><option value="">—</option>${['micro', 'small', 'medium', 'large', 'enterprise'].map((s) => html`<option value=${s}>${this.msg(`leadRequests.size.${s}` as CrmStringKey)}</option>`)}</select>
        </label>
      </div>
      ${error('title')}${error('criteria.neededCount')}${error('criteria.country')}
      <button type="submit" class="primary" data-create ?disabled=${this.busy}>${this.msg('leadRequests.create')}</button>
    </form>`;
  }

  private renderDetail() {
    const r = this.selected;
    if (!r) return nothing;
    const api = this.board().leadRequests;
    const moves = r.allowedTransitions.filter((t) => t !== 'delivered');
    const proposed = new Set(this.items.map((i) => i.leadId));
    return html`<section class="detail" part="detail" aria-labelledby="detail-heading">
      <h3 id="detail-heading" tabindex="-1" data-detail-heading>${r.title}</h3>
      <p><span class="badge" data-status=${r.status}>${this.stateLabel(r.status)}</span> ${this.msg('leadRequests.progress', { delivered: r.deliveredCount, needed: r.criteria.neededCount })}</p>
      ${this.renderCriteria(r)}
      <div class="actions" role="group" aria-label=${this.msg('leadRequests.moves')}>
        ${moves.map((to) => html`<button type="button" data-move=${to} ?disabled=${this.busy} @click=${() => this.run(() => api.transition(r.id, { to }), this.msg('leadRequests.moved', { state: this.stateLabel(to) }))}>${this.msg('leadRequests.moveTo', { state: this.stateLabel(to) })}</button>`)}
        ${r.status === 'approved' ? html`<button type="button" class="primary" data-deliver ?disabled=${this.busy} @click=${() => this.run(async () => (await api.deliver(r.id)).request, this.msg('leadRequests.deliveredNow'))}>${this.msg('leadRequests.deliver')}</button>` : nothing}
      </div>
      ${r.status === 'sourcing' || r.status === 'vetting'
        ? html`<form class="inline" @submit=${(e: Event) => {
            e.preventDefault();
            const ids = new FormData(e.target as HTMLFormElement).getAll('lead').map(String);
            void this.run(() => api.addCandidates(r.id, ids), this.msg('leadRequests.proposed'));
          }}>
            <fieldset><legend>${this.msg('leadRequests.propose')}</legend>
              ${this.leads.filter((l) => !proposed.has(l.id)).map((l) => html`<label><input type="checkbox" name="lead" value=${l.id} data-lead=${l.id} /> ${l.name}</label>`)}
            </fieldset>
            ${this.fieldErrors['leadIds.0'] ? html`<span class="field-error" role="alert">${this.fieldErrors['leadIds.0']}</span>` : nothing}
            <button type="submit" data-propose ?disabled=${this.busy}>${this.msg('leadRequests.proposeButton')}</button>
          </form>`
        : nothing}
      ${this.items.length
        ? html`<div class="scroll"><table>
            <caption>${this.plural('leadRequests.leadCount', this.items.length)}</caption>
            <thead><tr><th scope="col">${this.msg('leadRequests.lead')}</th><th scope="col">${this.msg('leadRequests.leadState')}</th><th scope="col">${this.msg('leadRequests.actions')}</th></tr></thead>
            <tbody>${this.items.map(
              (i) => html`<tr data-item=${i.leadId}>
                <th scope="row">${i.leadName}${i.matchesCriteria ? nothing : html` <small data-outside=${(i.mismatches ?? []).join(' ')}>(${this.outsideLabel(i)})</small>`}${this.fieldErrors[`decisions.0.leadId`] && this.vetting === i.leadId ? html`<span class="field-error" role="alert">${this.fieldErrors['decisions.0.leadId']}</span>` : nothing}</th>
                <td><span class="badge" data-item-state=${i.state}>${this.msg(`leadRequests.item.${i.state}` as CrmStringKey)}</span></td>
                <td><div class="actions">${r.status === 'vetting' && i.state !== 'delivered'
                  ? html`<button type="button" data-accept=${i.leadId} aria-label=${this.msg('leadRequests.acceptLead', { name: i.leadName })} @click=${() => { this.vetting = i.leadId; void this.run(() => api.vet(r.id, { decisions: [{ leadId: i.leadId, decision: 'accept' }] })); }}>${this.msg('leadRequests.accept')}</button>
                      <button type="button" data-reject=${i.leadId} aria-label=${this.msg('leadRequests.rejectLead', { name: i.leadName })} @click=${() => this.run(() => api.vet(r.id, { decisions: [{ leadId: i.leadId, decision: 'reject' }] }))}>${this.msg('leadRequests.reject')}</button>`
                  : nothing}</div></td>
              </tr>`,
            )}</tbody>
          </table></div>`
        : nothing}
      ${r.status === 'approved' || r.status === 'delivered'
        ? html`<form class="inline" @submit=${(e: Event) => {
            e.preventDefault();
            const count = Number(new FormData(e.target as HTMLFormElement).get('additional'));
            void this.run(() => api.extend(r.id, { additionalCount: count }), this.msg('leadRequests.extended'));
          }}>
            <label>${this.msg('leadRequests.additional')} <input name="additional" data-field="additional" type="number" min="1" value="1" /></label>
            <button type="submit" data-extend ?disabled=${this.busy}>${this.msg('leadRequests.extend')}</button>
          </form>`
        : nothing}
      ${r.campaignId
        ? html`<p data-campaign=${r.campaignId}>${this.msg('leadRequests.campaignRunning')}</p>`
        : r.deliveredCount > 0
          ? html`<form class="inline" @submit=${(e: Event) => {
              e.preventDefault();
              const title = String(new FormData(e.target as HTMLFormElement).get('campaignTitle') ?? '').trim();
              void this.run(async () => (await api.startCampaign(r.id, { title, type: 'email' })).request, this.msg('leadRequests.campaignStarted', { count: r.deliveredCount }));
            }}>
              <label>${this.msg('leadRequests.campaignTitle')} <input name="campaignTitle" data-field="campaignTitle" required maxlength="200" /></label>
              <button type="submit" class="primary" data-start-campaign ?disabled=${this.busy}>${this.msg('leadRequests.startCampaign')}</button>
            </form>`
          : nothing}
    </section>`;
  }

  override render() {
    if (this.loadError) return html`<crm-state kind="error" message=${this.loadError} @crm-retry-requested=${() => this.load()}></crm-state>`;
    if (!this.loaded) return html`<crm-state kind="loading"></crm-state>`;
    return html`
      ${this.requests.length
        ? html`<div class="scroll"><table part="table">
            <caption>${this.plural('leadRequests.count', this.requests.length)}</caption>
            <thead><tr><th scope="col">${this.msg('leadRequests.title')}</th><th scope="col">${this.msg('leadRequests.status')}</th><th scope="col">${this.msg('leadRequests.delivered')}</th><th scope="col">${this.msg('leadRequests.actions')}</th></tr></thead>
            <tbody>${this.requests.map(
              (r) => html`<tr data-request=${r.id}>
                <th scope="row">${r.title}</th>
                <td><span class="badge" data-status=${r.status}>${this.stateLabel(r.status)}</span></td>
                <td>${this.msg('leadRequests.progress', { delivered: r.deliveredCount, needed: r.criteria.neededCount })}</td>
                <td><button type="button" data-open=${r.id} aria-label=${this.msg('leadRequests.openFor', { title: r.title })} @click=${() => this.open(r)}>${this.msg('leadRequests.open')}</button></td>
              </tr>`,
            )}</tbody>
          </table></div>`
        : html`<crm-state kind="empty" message=${this.msg('leadRequests.empty')}></crm-state>`}
      ${this.renderDetail()}
      ${this.renderForm()}
      <p class="message" role="status">${this.message}</p>
    `;
  }
}
