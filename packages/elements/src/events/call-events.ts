import type { VoipCall } from '@crm/client-sdk';
import { CrmEvent } from './crm-event.js';

/** Fired before the phone is asked to dial; cancel it (`preventDefault()`) to stop the call. */
export class CrmRequestCallEvent extends CrmEvent<{ subject: { type: 'contact' | 'lead'; id: string }; number: string | null }> {
  static readonly eventName = 'crm-request-call';
  constructor(detail: { subject: { type: 'contact' | 'lead'; id: string }; number: string | null }) {
    super(CrmRequestCallEvent.eventName, detail, { cancelable: true });
  }
}

/** Fired once the phone accepted the call; `detail.call` is the recorded attempt. */
export class CrmCallPlacedEvent extends CrmEvent<{ call: VoipCall }> {
  static readonly eventName = 'crm-call-placed';
  constructor(detail: { call: VoipCall }) {
    super(CrmCallPlacedEvent.eventName, detail);
  }
}

/** Fired after the phone settings were saved. */
export class CrmVoipPhoneSavedEvent extends CrmEvent<{ host: string }> {
  static readonly eventName = 'crm-voip-phone-saved';
  constructor(detail: { host: string }) {
    super(CrmVoipPhoneSavedEvent.eventName, detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'crm-request-call': CrmRequestCallEvent;
    'crm-call-placed': CrmCallPlacedEvent;
    'crm-voip-phone-saved': CrmVoipPhoneSavedEvent;
  }
}
