import { CrmEvent } from './crm-event.js';

/** Fired when the user presses "Try again" on an error state; the element that loads data retries. */
export class CrmRetryRequestedEvent extends CrmEvent<Record<string, never>> {
  static readonly eventName = 'crm-retry-requested';
  constructor() {
    super(CrmRetryRequestedEvent.eventName, {});
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'crm-retry-requested': CrmRetryRequestedEvent;
  }
}
