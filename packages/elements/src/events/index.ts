export { CrmEvent } from './crm-event.js';
export { CrmFieldInputEvent, CrmFieldChangeEvent, type CrmFieldDetail } from './field-events.js';
export { CrmSignInRequestedEvent, CrmUserSignedInEvent, CrmSignInFailedEvent, CrmUserSignedOutEvent } from './session-events.js';
export { CrmRetryRequestedEvent } from './state-events.js';
export {
  CrmContactSavedEvent,
  CrmContactPictureChangedEvent,
  CrmContactCancelEvent,
  CrmCloseRequestedEvent,
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
  CrmTaskCreatedEvent,
  type CrmCardMoveDetail,
} from './board-events.js';
export { CrmOpportunitySavedEvent, CrmOpportunityCancelEvent, CrmRequestOpenEvent } from './opportunity-events.js';
export { CrmLeadSelectedEvent, CrmCustomerSelectedEvent, CrmCampaignSelectedEvent } from './record-events.js';
export {
  CrmWorkflowSavedEvent,
  CrmPipelineSavedEvent,
  CrmCustomFieldSavedEvent,
  CrmCustomFieldDeletedEvent,
  CrmTemplateSavedEvent,
  CrmTemplateDeletedEvent,
  CrmProductSavedEvent,
  CrmProductLockedEvent,
} from './admin-events.js';
export { CrmTicketSelectedEvent, CrmTicketRepliedEvent, CrmTicketChangedEvent, CrmAssignmentRulesSavedEvent, CrmCustomerInvitedEvent } from './ticket-events.js';
export { CrmArticleSavedEvent } from './kb-events.js';
export { CrmDashboardSavedEvent } from './dashboard-events.js';
export { CrmForecastSavedEvent } from './forecast-events.js';
export { CrmReportSavedEvent } from './report-events.js';
export { CrmQuoteDecidedEvent, CrmQuoteSavedEvent, CrmQuoteSentEvent } from './quote-events.js';
export { CrmCreditNoteCreatedEvent, CrmInvoiceVoidedEvent, CrmPaymentRecordedEvent, CrmPurchaseConditionsSavedEvent } from './invoice-events.js';
export { CrmPrivacyErasedEvent, CrmPrivacyExportedEvent } from './privacy-events.js';
export { CrmRequestCallEvent, CrmCallPlacedEvent, CrmVoipPhoneSavedEvent } from './call-events.js';
export { CrmExportDownloadedEvent } from './export-events.js';
export { CrmNotificationOpenEvent, CrmNotificationMarkedEvent, type NotificationOpenDetail, type NotificationMarkedDetail } from './notification-events.js';
export { CrmCardScannedEvent, type CardScannedDetail } from './card-scan-events.js';
export { CrmOccurrenceOpenedEvent, CrmCalendarNavigatedEvent, CrmCalendarEntrySavedEvent, CrmCalendarEntryDeletedEvent, type CalendarEditScope } from './calendar-events.js';
export { CrmMessageDeletedEvent, CrmMessageEditedEvent, CrmMessagePostedEvent } from './message-events.js';
