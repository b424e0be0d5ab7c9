// The audience step of <crm-campaign-creator>: a saved segment with its live count, or contacts and
// customers picked by search; and the first real recipient of either, whom the message is previewed
// for. The element owns the draft; this controller owns the count, the search and the picks.
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { countSegment, firstSegmentMember, loadRecipient, searchRecipients, type Recipient } from '../shared/api/campaign-creator.js';
import { readProblem } from '../shared/api/errors.js';
import type { CrmDataClient } from '../shared/api/transport.js';
import type { CampaignDraft, Contact, Segment } from '../shared/api/types.js';
import type { PreviewTarget } from './message-controller.js';

type Audience = CampaignDraft['audience'];

/** What the controller needs of the element. */
export interface AudienceStepHost extends ReactiveControllerHost {
  audienceDraft(): Audience;
  setAudience(audience: Audience): void;
  audienceApi(): CrmDataClient;
  /** Shows a problem (a count the API refused) on the audience step. */
  audienceProblem(detail: string): void;
}

/** What the step shows besides the controller's own state. */
export interface AudienceStepView {
  segments: Segment[];
  /** The API's message about the audience (from a refused activation), if any. */
  error: string;
  /** Whether anyone is chosen yet. */
  chosen: boolean;
  msg: (key: string, params?: Record<string, string | number>) => string;
  plural: (key: 'campaign.count' | 'campaign.countAtLeast', count: number) => string;
}

/** Count, search and picks of the creator's audience step, and the recipient to preview with. */
export class AudienceStepController implements ReactiveController {
  /** How many recipients the audience holds (undefined until known). */
  count: number | undefined;
  /** The API stopped counting at `count` (a filter its counters do not cover): there are at least that many. */
  capped = false;
  counting = false;
  picked: Recipient[] = [];
  found: Recipient[] = [];
  #timer = 0;

  constructor(private readonly host: AudienceStepHost) {
    host.addController(this);
  }

  hostDisconnected(): void {
    clearTimeout(this.#timer);
  }

  /** Forgets the picks and the count (a new campaign). */
  reset(): void {
    Object.assign(this, { count: undefined, capped: false, counting: false, picked: [], found: [] });
    this.host.requestUpdate();
  }

  /** Searches contacts and customers shortly after the person stops typing. */
  search(q: string): void {
    clearTimeout(this.#timer);
    this.#timer = window.setTimeout(async () => {
      this.found = q.trim() ? await searchRecipients(this.host.audienceApi(), q.trim()).catch(() => []) : [];
      this.host.requestUpdate();
    }, 250);
  }

  /** Chooses a segment and counts its members live. */
  async chooseSegment(segmentId: string): Promise<void> {
    this.host.setAudience({ kind: 'segment', segmentId });
    this.count = undefined;
    this.capped = false;
    if (!segmentId) return this.host.requestUpdate();
    this.counting = true;
    this.host.requestUpdate();
    try {
      const { count, capped } = await countSegment(this.host.audienceApi(), segmentId);
      const now = this.host.audienceDraft();
      if (now.kind === 'segment' && now.segmentId === segmentId) Object.assign(this, { count, capped });
    } catch (error) {
      this.host.audienceProblem(readProblem(error).detail);
    } finally {
      this.counting = false;
      this.host.requestUpdate();
    }
  }

  /** Adds or removes a picked recipient. */
  pick(recipient: Recipient, on: boolean): void {
    const others = this.picked.filter((p) => p.id !== recipient.id);
    this.picked = on && recipient.id ? [...others, recipient] : others;
    this.host.setAudience({
      kind: 'picked',
      contactIds: this.picked.filter((p) => p.type === 'contact').map((p) => p.id),
      customerIds: this.picked.filter((p) => p.type === 'customer').map((p) => p.id),
    });
    this.count = this.picked.length;
    this.capped = false;
    this.host.requestUpdate();
  }

  /** The first real recipient of the audience, to preview with: a contact, or a picked customer. */
  async firstRecipient(): Promise<PreviewTarget | undefined> {
    const api = this.host.audienceApi();
    const audience = this.host.audienceDraft();
    const ofContact = (contact: Contact | undefined) =>
      contact && { type: 'contact' as const, id: contact.id, name: contact.fullName ?? `${contact.firstName} ${contact.lastName}`, contact };
    if (audience.kind === 'segment') return audience.segmentId ? ofContact(await firstSegmentMember(api, audience.segmentId)) : undefined;
    const first = audience.contactIds[0];
    if (first) return ofContact(await loadRecipient(api, first));
    const customer = this.picked.find((p) => p.type === 'customer');
    return customer && { type: 'customer', id: customer.id, name: customer.name };
  }

  /** The step: segment or picks, the live count, and what activation will need. */
  render({ segments, error, chosen, msg, plural }: AudienceStepView): TemplateResult {
    const audience = this.host.audienceDraft();
    const kind = (k: 'segment' | 'picked') =>
      html`<label class="inline"><input type="radio" name="audience-kind" .checked=${audience.kind === k} ?disabled=${k === 'segment' && segments.length === 0}
        @change=${() => (k === 'segment' ? void this.chooseSegment('') : this.pick({ type: 'contact', id: '', name: '' }, false))} />
        ${msg(`campaign.audience.${k}`)}</label>`;
    return html`<fieldset><legend>${msg('campaign.audienceKind')}</legend><div class="row">${kind('segment')} ${kind('picked')}</div></fieldset>
      ${audience.kind === 'segment'
        ? html`<crm-select-field name="segmentId" label=${msg('campaign.segment')} .value=${audience.segmentId}
            .options=${segments.map((s) => ({ value: s.id, label: s.name }))}></crm-select-field>`
        : html`<crm-text-field name="search" type="search" label=${msg('campaign.findRecipients')}></crm-text-field>
            <ul class="results" aria-label=${msg('campaign.results')}>
              ${this.found.map((r) => {
                const on = this.picked.some((p) => p.id === r.id);
                return html`<li><label class="inline"><input type="checkbox" .checked=${on} @change=${(e: Event) => this.pick(r, (e.target as HTMLInputElement).checked)} />
                  ${r.name} <span class="muted">${msg(`campaign.recipient.${r.type}`)}${r.detail ? ` · ${r.detail}` : ''}</span></label></li>`;
              })}
            </ul>
            ${this.picked.length
              ? html`<ul class="chips" aria-label=${msg('campaign.picked')}>${this.picked.map(
                  (r) => html`<li>${r.name} <button type="button" class="quiet" @click=${() => this.pick(r, false)}>${msg('campaign.removeRecipient', { name: r.name })}</button></li>`,
                )}</ul>`
              : nothing}`}
      <p part="audience-count" role="status">
        ${this.counting ? msg('campaign.counting') : this.count === undefined ? '' : this.countText(plural)}
      </p>
      ${error ? html`<p class="field-error" role="alert">${error}</p>` : chosen ? nothing : html`<p class="muted">${msg('campaign.needAudience')}</p>`}`;
  }

  /** The audience in words for the review, with its count. */
  summary(segments: Segment[], plural: AudienceStepView['plural']): string {
    const audience = this.host.audienceDraft();
    const names = audience.kind === 'segment' ? (segments.find((s) => s.id === audience.segmentId)?.name ?? '') : this.picked.map((p) => p.name).join(', ');
    return `${names}${this.count === undefined ? '' : ` (${this.countText(plural)})`}`;
  }

  /** "12 recipients", or "at least 10,000 recipients" when the API stopped counting. */
  private countText(plural: AudienceStepView['plural']): string {
    return plural(this.capped ? 'campaign.countAtLeast' : 'campaign.count', this.count ?? 0);
  }
}
