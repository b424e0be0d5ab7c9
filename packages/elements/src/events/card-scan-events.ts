import type { CardScan } from '@crm/client-sdk';
import { CrmEvent } from './crm-event.js';

/** What a scan read: the API's answer (the draft, the recognised text, a confidence per field). */
export interface CardScannedDetail {
  scan: CardScan;
}

/** Fired by <crm-card-scan> when a card was read and its draft is shown for review (nothing is saved yet). */
export class CrmCardScannedEvent extends CrmEvent<CardScannedDetail> {
  static readonly eventName = 'crm-card-scanned';
  constructor(detail: CardScannedDetail) {
    super(CrmCardScannedEvent.eventName, detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'crm-card-scanned': CrmCardScannedEvent;
  }
}
