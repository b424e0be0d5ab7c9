import type { Contact } from '../shared/api/types.js';
import { CrmEvent } from './crm-event.js';

/** Fired after the editor saved a contact; `detail.contact` is the record as the API answered it. */
export class CrmContactSavedEvent extends CrmEvent<{ contact: Contact; created: boolean }> {
  static readonly eventName = 'crm-contact-saved';
  constructor(detail: { contact: Contact; created: boolean }) {
    super(CrmContactSavedEvent.eventName, detail);
  }
}

/** Fired after the editor uploaded or removed the picture of a saved contact; `detail.contact` is the API's record. */
export class CrmContactPictureChangedEvent extends CrmEvent<{ contact: Contact }> {
  static readonly eventName = 'crm-contact-picture-changed';
  constructor(detail: { contact: Contact }) {
    super(CrmContactPictureChangedEvent.eventName, detail);
  }
}

/** Fired when the person leaves the editor without saving (after confirming when there were changes). */
export class CrmContactCancelEvent extends CrmEvent<{ dirty: boolean }> {
  static readonly eventName = 'crm-contact-cancel';
  constructor(detail: { dirty: boolean }) {
    super(CrmContactCancelEvent.eventName, detail);
  }
}

/**
 * Fired before an editor closes on Cancel or Escape. Cancel it (`preventDefault()`) to keep the editor
 * open, e.g. to ask in your own dialog; `detail.dirty` says whether there are unsaved changes.
 */
export class CrmCloseRequestedEvent extends CrmEvent<{ dirty: boolean; source: 'cancel-button' | 'keyboard' | 'method' }> {
  static readonly eventName = 'crm-close-requested';
  constructor(detail: { dirty: boolean; source: 'cancel-button' | 'keyboard' | 'method' }) {
    super(CrmCloseRequestedEvent.eventName, detail, { cancelable: true });
  }
}

/** Fired after a contact moved to another status. */
export class CrmContactTransitionedEvent extends CrmEvent<{ contact: Contact; from: string; to: string }> {
  static readonly eventName = 'crm-contact-transitioned';
  constructor(detail: { contact: Contact; from: string; to: string }) {
    super(CrmContactTransitionedEvent.eventName, detail);
  }
}

/** Fired when the person opens a contact from a list (Enter or click). */
export class CrmContactSelectedEvent extends CrmEvent<{ contact: Contact }> {
  static readonly eventName = 'crm-contact-selected';
  constructor(detail: { contact: Contact }) {
    super(CrmContactSelectedEvent.eventName, detail);
  }
}

/** Fired when the person asks to edit the contact shown. */
export class CrmContactEditRequestedEvent extends CrmEvent<{ contact: Contact }> {
  static readonly eventName = 'crm-contact-edit-requested';
  constructor(detail: { contact: Contact }) {
    super(CrmContactEditRequestedEvent.eventName, detail);
  }
}

/** Fired when the set of selected rows changes by user action; `detail.ids` is the whole selection. */
export class CrmSelectionChangedEvent extends CrmEvent<{ ids: string[] }> {
  static readonly eventName = 'crm-selection-changed';
  constructor(detail: { ids: string[] }) {
    super(CrmSelectionChangedEvent.eventName, detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'crm-contact-saved': CrmContactSavedEvent;
    'crm-contact-picture-changed': CrmContactPictureChangedEvent;
    'crm-contact-cancel': CrmContactCancelEvent;
    'crm-close-requested': CrmCloseRequestedEvent;
    'crm-contact-transitioned': CrmContactTransitionedEvent;
    'crm-contact-selected': CrmContactSelectedEvent;
    'crm-contact-edit-requested': CrmContactEditRequestedEvent;
    'crm-selection-changed': CrmSelectionChangedEvent;
  }
}
