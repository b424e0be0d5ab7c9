import type { Opportunity } from '@crm/client-sdk';
import { CrmEvent } from './crm-event.js';

/** Fired after `<crm-opportunity-editor>` saved; `detail.opportunity` is the API's record (moved, when the stage changed). */
export class CrmOpportunitySavedEvent extends CrmEvent<{ opportunity: Opportunity }> {
  static readonly eventName = 'crm-opportunity-saved';
  constructor(detail: { opportunity: Opportunity }) {
    super(CrmOpportunitySavedEvent.eventName, detail);
  }
}

/** Fired when the person leaves `<crm-opportunity-editor>` without saving (Cancel or Escape); `detail.dirty` tells unsaved changes. */
export class CrmOpportunityCancelEvent extends CrmEvent<{ dirty: boolean }> {
  static readonly eventName = 'crm-opportunity-cancel';
  constructor(detail: { dirty: boolean }) {
    super(CrmOpportunityCancelEvent.eventName, detail);
  }
}

/**
 * Cancelable, fired by `<crm-pipeline-board>` before it opens a card in its built-in editor (Enter or a
 * click on the card). Call `preventDefault()` to open `detail.opportunity` your own way instead.
 */
export class CrmRequestOpenEvent extends CrmEvent<{ opportunity: Opportunity }> {
  static readonly eventName = 'crm-request-open';
  constructor(detail: { opportunity: Opportunity }) {
    super(CrmRequestOpenEvent.eventName, detail, { cancelable: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'crm-opportunity-saved': CrmOpportunitySavedEvent;
    'crm-opportunity-cancel': CrmOpportunityCancelEvent;
    'crm-request-open': CrmRequestOpenEvent;
  }
}
