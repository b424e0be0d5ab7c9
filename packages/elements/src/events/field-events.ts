import { CrmEvent } from './crm-event.js';

/** What a form field reports about itself. */
export interface CrmFieldDetail {
  name: string;
  value: string;
}

/** Fired on every edit the user makes to a field; never when the host sets `value`. */
export class CrmFieldInputEvent extends CrmEvent<CrmFieldDetail> {
  static readonly eventName = 'crm-field-input';
  constructor(detail: CrmFieldDetail) {
    super(CrmFieldInputEvent.eventName, detail);
  }
}

/** Fired when the user commits a field's value (leaves a changed text field, picks an option). */
export class CrmFieldChangeEvent extends CrmEvent<CrmFieldDetail> {
  static readonly eventName = 'crm-field-change';
  constructor(detail: CrmFieldDetail) {
    super(CrmFieldChangeEvent.eventName, detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'crm-field-input': CrmFieldInputEvent;
    'crm-field-change': CrmFieldChangeEvent;
  }
}
