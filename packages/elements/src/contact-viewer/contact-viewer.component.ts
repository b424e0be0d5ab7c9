import { Task } from '@lit/task';
import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { CrmContactEditRequestedEvent, CrmContactTransitionedEvent } from '../events/contact-events.js';
import { loadContactCampaigns, type CampaignEngagement } from '../shared/api/campaign-analytics.js';
import { loadContact, loadContactWorkflow, loadTimeline, transitionContact, type TimelineLine } from '../shared/api/contact-viewer.js';
import { isVersionConflict, readProblem } from '../shared/api/errors.js';
import type { Contact, Workflow } from '../shared/api/types.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { formatDate, formatDateTime, initials } from '../shared/format.js';
import { en } from '../i18n/strings.en.js';
import { CrmState } from '../state/state.component.js';
import { contactViewerStyles } from './contact-viewer.styles.js';

interface ViewerData {
  workflow: Workflow;
  timeline: TimelineLine[];
}

/**
 * A contact's card: picture, name, job, company, primary email and phone, tags, its status with the
 * moves the workflow allows from there as buttons, the activity timeline, newest first, and the
 * campaigns that reached the contact with what it did with each (opened, clicked, bounced, replied,
 * unsubscribed; from `crm.contacts.campaignEngagement`, loaded beside the card so a refusal there never
 * hides the card). Mailwizz reports only unsubscribes per person; its other answers read "Not reported".
 *
 * @summary A contact card with status actions and the activity timeline.
 *
 * @slot actions - Extra actions beside Edit, e.g. "Call" or "New opportunity".
 *
 * @event crm-contact-transitioned - The contact moved to another status; `detail.contact` is the updated record.
 * @event crm-contact-edit-requested - The person pressed Edit; open your `<crm-contact-editor>`.
 *
 * @csspart card - The card with the contact's details.
 * @csspart avatar - The picture or initials.
 * @csspart name - The contact's name.
 * @csspart status - The status badge.
 * @csspart transitions - The group of status actions.
 * @csspart transition-button - One status action.
 * @csspart edit-button - The Edit button.
 * @csspart message - A message about the last action (e.g. a refused move).
 * @csspart timeline - The activity list.
 * @csspart timeline-entry - One activity.
 * @csspart campaigns - The list of campaigns that reached the contact.
 * @csspart campaign - One campaign and what the contact did with it.
 *
 * @cssproperty --crm-contact-viewer-background - Card background. Defaults to `--crm-sys-color-surface-container`.
 * @cssproperty --crm-contact-viewer-accent - Buttons and links. Defaults to `--crm-sys-color-primary`.
 * @cssproperty --crm-contact-viewer-avatar-size - Size of the picture. Defaults to `4rem`.
 */
export class CrmContactViewer extends CrmDataElement {
  static override styles = [controlStyles, contactViewerStyles];
  static override dependencies = { 'crm-state': CrmState };

  /** Id of the contact to show. */
  @property({ attribute: 'contact-id', reflect: true }) contactId = '';

  /** Hides the Edit button (for read-only views). */
  @property({ type: Boolean, reflect: true, attribute: 'no-edit' }) noEdit = false;

  /** Hides the campaigns section (and does not ask the API for it). */
  @property({ type: Boolean, reflect: true, attribute: 'no-campaigns' }) noCampaigns = false;

  @state() private contact: Contact | undefined;
  @state() private busy = '';
  @state() private message = '';
  @state() private messageIsError = false;

  private readonly load = new Task(this, {
    args: () => [this.client, this.contactId] as const,
    task: async ([, id], { signal }): Promise<ViewerData> => {
      if (!id) throw new Error(this.msg('contactViewer.noId'));
      const api = this.api;
      const [contact, workflow, timeline] = await Promise.all([
        loadContact(api, id, { signal }),
        loadContactWorkflow(api, { signal }),
        loadTimeline(api, id, { signal }),
      ]);
      this.contact = contact;
      this.message = '';
      return { workflow, timeline };
    },
  });

  private readonly campaigns = new Task(this, {
    args: () => [this.client, this.contactId, this.noCampaigns] as const,
    task: async ([, id, off], { signal }): Promise<CampaignEngagement[]> => (id && !off ? loadContactCampaigns(this.api, id, { signal }) : []),
  });

  /** Loads the contact, workflow, timeline and campaigns again. */
  reload(): void {
    void this.load.run();
    void this.campaigns.run();
  }

  /**
   * A status in the reader's language: the seeded states are translated (as the list shows them); a
   * label a sysadmin gave a state is the agency's own words and is shown as written.
   */
  private stateLabel(workflow: Workflow, key: string): string {
    const label = workflow.states.find((s) => s.key === key)?.label ?? key;
    const seeded = (en as Record<string, string>)[`contactStatus.${key}`];
    return label === key || label === seeded ? this.msgOr(`contactStatus.${key}`, label) : label;
  }

  /** Where the contact may go from its status; with no published moves, every other non-initial state. */
  private targets(workflow: Workflow, from: string): string[] {
    if (workflow.transitions.length > 0) return workflow.transitions.filter((t) => t.from === from && t.to !== from).map((t) => t.to);
    const current = workflow.states.find((s) => s.key === from);
    if (current?.final) return [];
    return workflow.states.filter((s) => s.key !== from && s.key !== workflow.initial).map((s) => s.key);
  }

  private async move(workflow: Workflow, to: string): Promise<void> {
    const contact = this.contact;
    if (!contact || this.busy) return;
    this.busy = to;
    this.message = '';
    try {
      const updated = await transitionContact(this.api, contact.id, to, contact.version);
      this.contact = updated;
      this.messageIsError = false;
      this.message = this.msg('contactViewer.moved', { status: this.stateLabel(workflow, to) });
      this.emit(new CrmContactTransitionedEvent({ contact: updated, from: contact.status, to }));
      // The timeline gained an entry; refresh it without blanking the card.
      const timeline = await loadTimeline(this.api, contact.id).catch(() => undefined);
      if (timeline && this.load.value) this.load.value.timeline = timeline;
    } catch (error) {
      const problem = readProblem(error);
      this.messageIsError = true;
      if (problem.allowed) {
        const allowed = problem.allowed.map((key) => this.stateLabel(workflow, key)).join(', ') || this.msg('contactViewer.none');
        this.message = this.msg('contactViewer.notAllowed', { status: this.stateLabel(workflow, to), allowed });
        workflow.transitions = [
          ...workflow.transitions.filter((t) => t.from !== contact.status),
          ...problem.allowed.map((target) => ({ from: contact.status, to: target, roles: [] })),
        ];
      } else if (isVersionConflict(problem)) {
        this.contact = (problem.current as Contact | undefined) ?? this.contact;
        this.message = this.msg('contactViewer.changed');
      } else {
        this.message = problem.detail;
      }
    } finally {
      this.busy = '';
    }
  }

  private renderCard(contact: Contact, workflow: Workflow): TemplateResult {
    const name = contact.fullName || `${contact.firstName} ${contact.lastName}`;
    const email = contact.emails.find((e) => e.primary) ?? contact.emails[0];
    const phone = contact.phones.find((p) => p.primary) ?? contact.phones[0];
    const targets = this.targets(workflow, contact.status);
    return html`<article part="card" aria-labelledby="name">
      <header>
        ${contact.pictureUrl
          ? html`<img part="avatar" src=${contact.pictureUrl} alt="" />`
          : html`<span part="avatar" aria-hidden="true">${initials(name)}</span>`}
        <div>
          <h2 part="name" id="name">${name}</h2>
          <p class="muted">${[contact.jobTitle, contact.company?.name].filter(Boolean).join(' · ')}</p>
        </div>
        <span part="status" class="badge" data-status=${contact.status}>
          <span class="sr-only">${this.msg('contactViewer.status')}: </span>${this.stateLabel(workflow, contact.status)}
        </span>
      </header>
      <dl>
        ${email ? html`<dt>${this.msg('contactViewer.email')}</dt><dd><a href="mailto:${email.value}">${email.value}</a></dd>` : nothing}
        ${phone ? html`<dt>${this.msg('contactViewer.phone')}</dt><dd><a href="tel:${phone.value}">${phone.value}</a></dd>` : nothing}
        ${contact.tags.length ? html`<dt>${this.msg('contactViewer.tags')}</dt><dd>${contact.tags.join(', ')}</dd>` : nothing}
      </dl>
      <div class="row">
        ${targets.length
          ? html`<div part="transitions" role="group" aria-label=${this.msg('contactViewer.changeStatus')} class="row">
              ${targets.map(
                (to) => html`<button part="transition-button" type="button" ?disabled=${Boolean(this.busy)} aria-busy=${this.busy === to ? 'true' : 'false'}
                  @click=${() => this.move(workflow, to)}>${this.msg('contactViewer.moveTo', { status: this.stateLabel(workflow, to) })}</button>`,
              )}
            </div>`
          : nothing}
        ${this.noEdit
          ? nothing
          : html`<button part="edit-button" type="button" @click=${() => this.emit(new CrmContactEditRequestedEvent({ contact }))}>${this.msg('contactViewer.edit')}</button>`}
        <slot name="actions"></slot>
      </div>
      <p part="message" class=${this.messageIsError ? 'banner error' : 'banner'} role=${this.messageIsError ? 'alert' : 'status'}>${this.message}</p>
    </article>`;
  }

  private renderTimeline(timeline: TimelineLine[]): TemplateResult {
    return html`<section aria-labelledby="timeline-heading">
      <h3 id="timeline-heading">${this.msg('contactViewer.timeline')}</h3>
      ${timeline.length === 0
        ? html`<crm-state kind="empty" message=${this.msg('contactViewer.noActivity')}></crm-state>`
        : html`<ol part="timeline">
            ${timeline.map(
              (entry) => html`<li part="timeline-entry" data-kind=${entry.kind}>
                <time datetime=${entry.at}>${formatDateTime(entry.at, this.activeLocale, this.activeTimeZone)}</time>
                <span>${entry.title}</span>
                ${entry.note ? html`<span class="muted">${entry.note}</span>` : nothing}
              </li>`,
            )}
          </ol>`}
    </section>`;
  }

  /** One answer of a campaign: yes, no, or not reported by the source (null). */
  private answer(value: boolean | null): string {
    return this.msg(value === null ? 'contactViewer.unknown' : value ? 'contactViewer.yes' : 'contactViewer.no');
  }

  private renderCampaignRow(row: CampaignEngagement): TemplateResult {
    const facts: Array<[string, string, string]> = [
      ['opened', this.msg('contactViewer.opened'), this.answer(row.opened)],
      ['clicked', this.msg('contactViewer.clicked'), this.answer(row.clicked)],
      ['bounced', this.msg('contactViewer.bounced'), row.bounced ? this.msg(`contactViewer.bounce.${row.bounced}`) : row.source === 'mailwizz' ? this.answer(null) : this.answer(false)],
      ['replied', this.msg('contactViewer.replied'), this.answer(row.replied)],
      ['unsubscribed', this.msg('contactViewer.unsubscribed'), this.answer(row.unsubscribed)],
    ];
    return html`<li part="campaign" data-campaign=${row.campaignId} data-source=${row.source}>
      <div class="campaign-head">
        <strong>${row.title}</strong>
        <span class="muted">${this.msg(`contactViewer.source.${row.source}`)}${row.sentAt ? html` · <time datetime=${row.sentAt}>${formatDate(row.sentAt, this.activeLocale, this.activeTimeZone)}</time>` : nothing}</span>
      </div>
      <dl class="facts">
        ${facts.map(([key, label, value]) => html`<div data-fact=${key} data-value=${value}><dt>${label}</dt><dd>${value}</dd></div>`)}
      </dl>
    </li>`;
  }

  private renderCampaigns(): TemplateResult | typeof nothing {
    if (this.noCampaigns) return nothing;
    return html`<section aria-labelledby="campaigns-heading">
      <h3 id="campaigns-heading">${this.msg('contactViewer.campaigns')}</h3>
      ${this.campaigns.render({
        initial: () => html`<crm-state kind="loading"></crm-state>`,
        pending: () => html`<crm-state kind="loading"></crm-state>`,
        error: (error) => html`<p class="banner error" role="alert">${this.msg('contactViewer.campaignsFailed', { detail: readProblem(error).detail })}</p>`,
        complete: (rows) =>
          rows.length === 0
            ? html`<crm-state kind="empty" message=${this.msg('contactViewer.noCampaigns')}></crm-state>`
            : html`<p class="sr-only">${this.plural('contactViewer.campaignCount', rows.length)}</p>
                <ul part="campaigns">
                  ${rows.map((row) => this.renderCampaignRow(row))}
                </ul>`,
      })}
    </section>`;
  }

  override render() {
    return this.load.render({
      initial: () => html`<crm-state kind="loading"></crm-state>`,
      pending: () => html`<crm-state kind="loading"></crm-state>`,
      error: (error) => html`<crm-state kind="error" message=${readProblem(error).detail} @crm-retry-requested=${this.reload}></crm-state>`,
      complete: ({ workflow, timeline }) =>
        this.contact ? html`${this.renderCard(this.contact, workflow)}${this.renderTimeline(timeline)}${this.renderCampaigns()}` : html`<crm-state kind="empty"></crm-state>`,
    });
  }
}
