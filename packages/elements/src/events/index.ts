export { CrmEvent } from './crm-event.js';
export { CrmInputEvent, CrmChangeEvent, type CrmFieldDetail } from './field-events.js';
export { CrmRequestSignInEvent, CrmUserSignedInEvent, CrmSignInFailedEvent } from './session-events.js';
export { CrmRetryRequestedEvent } from './state-events.js';
