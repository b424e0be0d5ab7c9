export { CrmEvent } from './crm-event.js';
export { CrmInputEvent, CrmChangeEvent, type CrmFieldDetail } from './field-events.js';
export { CrmRequestSignInEvent, CrmUserSignedInEvent, CrmSignInFailedEvent } from './session-events.js';
export { CrmRetryRequestedEvent } from './state-events.js';
export {
  CrmContactSavedEvent,
  CrmContactCancelEvent,
  CrmRequestCloseEvent,
  CrmContactTransitionedEvent,
  CrmContactSelectedEvent,
  CrmContactEditRequestedEvent,
  CrmSelectionChangedEvent,
} from './contact-events.js';
export {
  CrmCardMovedEvent,
  CrmCardRevertedEvent,
  CrmCampaignSavedEvent,
  CrmTaskTransitionedEvent,
  type CrmCardMoveDetail,
} from './board-events.js';
