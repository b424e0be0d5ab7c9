import { CrmEvent } from './crm-event.js';

/** What a form field reports about itself. */
export interface CrmFieldDetail {
  name: string;
  value: string;
}

/** Fired on every edit the user makes to a field; never when the host sets `value`. */
export class CrmInputEvent extends CrmEvent<CrmFieldDetail> {
  static readonly eventName = 'crm-input';
  constructor(detail: CrmFieldDetail) {
    super(CrmInputEvent.eventName, detail);
  }
}

/** Fired when the user commits a field's value (leaves a changed text field, picks an option). */
export class CrmChangeEvent extends CrmEvent<CrmFieldDetail> {
  static readonly eventName = 'crm-change';
  constructor(detail: CrmFieldDetail) {
    super(CrmChangeEvent.eventName, detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'crm-input': CrmInputEvent;
    'crm-change': CrmChangeEvent;
  }
}
