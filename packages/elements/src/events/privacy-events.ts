import type { PrivacyRequest } from '@crm/client-sdk';
import { CrmEvent } from './crm-event.js';

/** Fired after the API produced an export of a person; `detail.request` is the recorded request (subject masked). */
export class CrmPrivacyExportedEvent extends CrmEvent<{ request: PrivacyRequest }> {
  static readonly eventName = 'crm-privacy-exported';
  constructor(detail: { request: PrivacyRequest }) {
    super(CrmPrivacyExportedEvent.eventName, detail);
  }
}

/** Fired after the API erased a person; `detail.request` is the completed erasure with its counts per kind. */
export class CrmPrivacyErasedEvent extends CrmEvent<{ request: PrivacyRequest }> {
  static readonly eventName = 'crm-privacy-erased';
  constructor(detail: { request: PrivacyRequest }) {
    super(CrmPrivacyErasedEvent.eventName, detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'crm-privacy-exported': CrmPrivacyExportedEvent;
    'crm-privacy-erased': CrmPrivacyErasedEvent;
  }
}
