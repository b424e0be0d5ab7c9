// The behaviour of the creator's message step: the API's preview as the person types, merge fields
// written at the caret, and the test send. The element owns the draft; this controller owns what the
// step shows about it (preview, test outcome) and asks the element to render when that changes.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { messageBody, previewMessage, previewTemplate, sendTestMessage, storeCampaign, type MessagePreview } from '../shared/api/campaign-creator.js';
import { isMissingRoute, readProblem, type CrmFieldProblem } from '../shared/api/errors.js';
import type { CrmDataClient } from '../shared/api/transport.js';
import type { Campaign, CampaignDraft, Contact, Template } from '../shared/api/types.js';
import { renderLocally } from './campaign-draft.js';
import { insertAt, mergeToken, type TestSendState } from './message-step.js';

/** The first real recipient of the audience, to render the message for. */
export type PreviewTarget = { type: 'contact' | 'customer'; id: string; name: string; contact?: Contact };

/** What the controller needs of the element. */
export interface MessageStepHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
  messageDraft(): CampaignDraft;
  setMessage<K extends 'messageKind' | 'templateId' | 'subject' | 'body'>(key: K, value: CampaignDraft[K]): void;
  messageApi(): CrmDataClient;
  messageTemplates(): Template[];
  previewTarget(): Promise<PreviewTarget | undefined>;
  /** The campaign as stored so far; a test send stores it first. */
  storedCampaign: Campaign | undefined;
  /** Lays the API's `errors[]` on the fields and steps they name (without moving). */
  showFieldErrors(errors: CrmFieldProblem[]): void;
  /** A field the API named, in the reader's words. */
  fieldLabel(field: string): string;
  /** "The audience has nobody to preview with yet." in the reader's language. */
  noRecipientText(): string;
}

/** Preview, merge fields and test send of the creator's message step. */
export class MessageStepController implements ReactiveController {
  preview: MessagePreview | undefined;
  previewFor = '';
  previewProblem = '';
  previewing = false;
  test: TestSendState = { state: 'idle' };

  #timer = 0;
  #run = 0;
  /** The message field the merge-field picker writes into: the last one focused. */
  #target: 'subject' | 'body' = 'body';

  constructor(private readonly host: MessageStepHost) {
    host.addController(this);
  }

  hostDisconnected(): void {
    clearTimeout(this.#timer);
  }

  /** Forgets the preview and the test outcome (a new campaign). */
  reset(): void {
    this.#run++;
    Object.assign(this, { preview: undefined, previewFor: '', previewProblem: '', previewing: false, test: { state: 'idle' } });
    this.host.requestUpdate();
  }

  /** Renders the preview again shortly after the person stops typing. */
  schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = window.setTimeout(() => void this.refresh(), 400);
  }

  setKind(kind: CampaignDraft['messageKind']): void {
    this.host.setMessage('messageKind', kind);
    void this.refresh();
  }

  setBody(value: string): void {
    this.host.setMessage('body', value);
    this.schedule();
  }

  /** Follows focus, so a merge field goes into the subject or the body, whichever was focused last. */
  readonly onFocusIn = (event: FocusEvent): void => {
    const path = event.composedPath() as HTMLElement[];
    if (path.some((node) => node.id === 'message-body')) this.#target = 'body';
    else if (path.some((node) => node.getAttribute?.('name') === 'subject')) this.#target = 'subject';
  };

  /** The native input of a message field, for the caret. */
  #input(field: 'subject' | 'body'): HTMLInputElement | HTMLTextAreaElement | null | undefined {
    const root = this.host.renderRoot;
    if (field === 'body') return root.querySelector<HTMLTextAreaElement>('#message-body');
    return root.querySelector('crm-text-field[name="subject"]')?.shadowRoot?.querySelector('input');
  }

  /** Writes a merge field at the caret of the subject or body, and puts the caret after it. */
  async insert(field: string): Promise<void> {
    const target = this.#target;
    const input = this.#input(target);
    const value = this.host.messageDraft()[target];
    const { value: next, caret } = insertAt(value, mergeToken(field), input?.selectionStart ?? value.length, input?.selectionEnd ?? value.length);
    this.host.setMessage(target, next);
    this.schedule();
    await this.host.updateComplete;
    const after = this.#input(target);
    if (!after) return;
    after.value = next;
    after.focus();
    after.setSelectionRange(caret, caret);
  }

  #problemText(error: unknown): string {
    const problem = readProblem(error);
    return problem.fieldErrors.length ? problem.fieldErrors.map((e) => `${this.host.fieldLabel(e.field)}: ${e.message}`).join(' ') : problem.detail;
  }

  /**
   * Asks the API to render the message as written (or the chosen template) for the audience's first
   * real recipient. An API without the campaign preview gets the template preview, and failing that
   * the template filled in locally.
   */
  async refresh(): Promise<void> {
    clearTimeout(this.#timer);
    const run = ++this.#run;
    const draft = this.host.messageDraft();
    this.previewProblem = '';
    if (!messageBody(draft)) {
      this.preview = undefined;
      this.host.requestUpdate();
      return;
    }
    this.previewing = true;
    this.host.requestUpdate();
    try {
      const recipient = await this.host.previewTarget();
      if (run !== this.#run) return;
      if (!recipient) {
        this.preview = undefined;
        this.previewProblem = this.host.noRecipientText();
        return;
      }
      const preview = await this.#render(draft, recipient);
      if (run !== this.#run) return;
      this.previewFor = recipient.name;
      this.preview = preview;
    } catch (error) {
      if (run !== this.#run) return;
      this.preview = undefined;
      this.previewProblem = this.#problemText(error);
    } finally {
      if (run === this.#run) {
        this.previewing = false;
        this.host.requestUpdate();
      }
    }
  }

  async #render(draft: CampaignDraft, recipient: PreviewTarget): Promise<MessagePreview> {
    const api = this.host.messageApi();
    try {
      return await previewMessage(api, draft, recipient);
    } catch (error) {
      const template = this.host.messageTemplates().find((t) => t.id === draft.templateId);
      const problem = readProblem(error);
      if (!isMissingRoute(problem) || problem.code !== 'not_found' || draft.messageKind !== 'template' || !template) throw error;
      return previewTemplate(api, template.id, recipient).catch((fallback: unknown) => {
        if (!isMissingRoute(readProblem(fallback)) || !recipient.contact) throw fallback;
        return renderLocally(template, recipient.contact);
      });
    }
  }

  /**
   * Sends the message to the signed-in user's own address. A test needs a stored campaign, so one not
   * saved yet is saved as a draft first (and later saves update it).
   */
  async sendTest(): Promise<void> {
    if (this.test.state === 'sending') return;
    this.test = { state: 'sending' };
    this.host.requestUpdate();
    const api = this.host.messageApi();
    try {
      const draft = this.host.messageDraft();
      const saved = (this.host.storedCampaign = await storeCampaign(api, draft, this.host.storedCampaign));
      const recipient = await this.host.previewTarget().catch(() => undefined);
      const { to } = await sendTestMessage(api, saved.id, draft, recipient);
      this.test = { state: 'sent', to };
    } catch (error) {
      const problem = readProblem(error);
      if (problem.fieldErrors.length) this.host.showFieldErrors(problem.fieldErrors);
      this.test = { state: 'failed', message: this.#problemText(error) };
    } finally {
      this.host.requestUpdate();
    }
  }
}
