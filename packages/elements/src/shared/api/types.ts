// The record shapes the elements read: every one is the SDK's, generated from the API's OpenAPI
// document (packages/api/openapi.json), so a change of the contract shows in the elements' typecheck.
// Nothing here declares an API type by hand; the names are the ones the elements have always used.
import type { Contact, CustomField, PipelineBoard, TimelineItem, User } from '@crm/client-sdk';

export type {
  Campaign,
  Contact,
  MessageTemplate as Template,
  Opportunity,
  PipelineBoard,
  PipelineStage,
  Product,
  Segment,
  Task,
  Ticket,
  TicketMessage,
  Workflow,
} from '@crm/client-sdk';

/** An email address or phone number with its label (`Contact.emails[]`). */
export type ContactPoint = Contact['emails'][number];

/** A postal address with its label (`Contact.addresses[]`). */
export type PostalAddress = Contact['addresses'][number];

/** A tenant-defined attribute (`GET /v1/custom-fields?resource=contact`). */
export type CustomFieldDefinition = CustomField;

/** A person who can own records (`GET /v1/users`). */
export type Person = User;

/** One entry of a record's activity timeline. */
export type TimelineEntry = TimelineItem;

/** Money per currency in one column of the board. */
export type ColumnTotal = PipelineBoard['columns'][number]['totals'][number];

/** A campaign as the creator builds it: the creator's own form state (not an API type); it becomes `CampaignCreate` when saved. */
export interface CampaignDraft {
  title: string;
  code: string;
  description: string;
  type: string;
  visibility: string;
  startDate: string;
  endDate: string;
  audience: { kind: 'segment'; segmentId: string } | { kind: 'picked'; contactIds: string[]; customerIds: string[] };
  /** A stored template, or a subject and body written here with merge fields. */
  messageKind: 'template' | 'written';
  templateId: string;
  subject: string;
  body: string;
  /** Send from the creator's own mailbox instead of the agency's. */
  fromUser: boolean;
  sendAt: string;
}
