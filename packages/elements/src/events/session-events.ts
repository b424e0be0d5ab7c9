import type { CrmUser } from '../context/client-context.js';
import { CrmEvent } from './crm-event.js';

/**
 * Fired before `<crm-provider>` signs in with the entered email and password. Cancel it
 * (`preventDefault()`) to handle sign-in yourself, e.g. through your own single sign-on.
 */
export class CrmSignInRequestedEvent extends CrmEvent<{ email: string }> {
  static readonly eventName = 'crm-sign-in-requested';
  constructor(detail: { email: string }) {
    super(CrmSignInRequestedEvent.eventName, detail, { cancelable: true });
  }
}

/** Fired after sign-in succeeded; `detail.user` is now in the user context. */
export class CrmUserSignedInEvent extends CrmEvent<{ user: CrmUser }> {
  static readonly eventName = 'crm-user-signed-in';
  constructor(detail: { user: CrmUser }) {
    super(CrmUserSignedInEvent.eventName, detail);
  }
}

/** Fired when the API refused the credentials or could not be reached. */
export class CrmSignInFailedEvent extends CrmEvent<{ error: unknown }> {
  static readonly eventName = 'crm-sign-in-failed';
  constructor(detail: { error: unknown }) {
    super(CrmSignInFailedEvent.eventName, detail);
  }
}

/**
 * Fired after `<crm-provider>`'s `signOut()` ended the session; `detail.user` is the user who was
 * signed in (if any). The user context is empty now.
 */
export class CrmUserSignedOutEvent extends CrmEvent<{ user: CrmUser | undefined }> {
  static readonly eventName = 'crm-user-signed-out';
  constructor(detail: { user: CrmUser | undefined }) {
    super(CrmUserSignedOutEvent.eventName, detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'crm-sign-in-requested': CrmSignInRequestedEvent;
    'crm-user-signed-in': CrmUserSignedInEvent;
    'crm-sign-in-failed': CrmSignInFailedEvent;
    'crm-user-signed-out': CrmUserSignedOutEvent;
  }
}
