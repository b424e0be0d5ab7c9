import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { projectClient, type Project } from '../shared/api/deal-afterlife.js';
import { readProblem } from '../shared/api/errors.js';
import { afterlifeStyles } from '../shared/afterlife.styles.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { CrmState } from '../state/state.component.js';
import { projectListStyles } from './project-list.styles.js';

/**
 * The projects won and partially won deals became: outcome, amount, date, and each project's jobs with
 * the production-team members staffing them (or a note that the deal's owner staffs an uncovered job).
 *
 * @summary Projects from won deals with their jobs and staff.
 *
 * @csspart table - The table of projects.
 *
 * @cssproperty --crm-project-list-accent - Background of outcome badges.
 */
export class CrmProjectList extends CrmDataElement {
  static override styles = [controlStyles, afterlifeStyles, projectListStyles];
  static override dependencies = { 'crm-state': CrmState };

  /** Only the projects of this account (customer id). */
  @property({ attribute: 'customer-id' }) customerId = '';

  @state() private projects: Project[] = [];
  @state() private loaded = false;
  @state() private loadError = '';

  protected override updated(changed: Map<string, unknown>): void {
    if ((changed.has('client') || changed.has('customerId')) && this.client) void this.load();
  }

  /** Reads the projects again. */
  async load(): Promise<void> {
    try {
      this.loadError = '';
      this.projects = (await projectClient(this.client).projects.list({ limit: 50, ...(this.customerId ? { customerId: this.customerId } : {}) })).data;
      this.loaded = true;
    } catch (error) {
      this.loadError = readProblem(error).detail;
    }
  }

  private money(amount: number, currency: string) {
    try {
      return new Intl.NumberFormat(this.activeLocale, { style: 'currency', currency }).format(amount);
    } catch {
      return `${amount} ${currency}`;
    }
  }

  override render() {
    if (this.loadError) return html`<crm-state kind="error" message=${this.loadError} @crm-retry-requested=${() => this.load()}></crm-state>`;
    if (!this.loaded) return html`<crm-state kind="loading"></crm-state>`;
    if (!this.projects.length) return html`<crm-state kind="empty" message=${this.msg('projects.empty')}></crm-state>`;
    const date = new Intl.DateTimeFormat(this.activeLocale, { dateStyle: 'medium' });
    return html`<div class="scroll"><table part="table">
      <caption>${this.plural('projects.count', this.projects.length)}</caption>
      <thead><tr><th scope="col">${this.msg('projects.name')}</th><th scope="col">${this.msg('projects.outcome')}</th><th scope="col">${this.msg('projects.amount')}</th><th scope="col">${this.msg('projects.wonAt')}</th><th scope="col">${this.msg('projects.jobs')}</th></tr></thead>
      <tbody>${this.projects.map(
        (p) => html`<tr data-project=${p.id}>
          <th scope="row">${p.name}</th>
          <td><span class="badge" data-outcome=${p.outcome}>${this.msg(p.outcome === 'won' ? 'projects.outcome.won' : 'projects.outcome.partially_won')}</span></td>
          <td>${this.money(p.amount, p.currency)}</td>
          <td>${date.format(new Date(p.wonAt))}</td>
          <td><details><summary data-jobs=${p.id}>${this.plural('projects.jobCount', p.jobs.length)}</summary>
            <ul>${p.jobs.map((j) => html`<li data-job>${j.title}: ${j.assigneeIds.length ? this.plural('projects.staffCount', j.assigneeIds.length) : html`<em>${this.msg('projects.unstaffed')}</em>`}</li>`)}</ul>
          </details></td>
        </tr>`,
      )}</tbody>
    </table></div>${nothing}`;
  }
}
