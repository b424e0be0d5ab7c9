// The record shapes the elements read, as the API documents them (packages/api/openapi.json). Only the
// fields the elements use are required; the SDK's generated types are wider and assignable to these.

/** An email address or phone number with its label. */
export interface ContactPoint {
  label: string;
  value: string;
  primary: boolean;
}

/** A postal address with its label. */
export interface PostalAddress {
  label?: string;
  line1?: string;
  line2?: string;
  city?: string;
  state?: string;
  country?: string;
  postalCode?: string;
  primary?: boolean;
}

/** A contact (`GET /v1/contacts/{id}`). */
export interface Contact {
  id: string;
  firstName: string;
  middleName?: string | null;
  lastName: string;
  fullName?: string;
  jobTitle?: string | null;
  pictureUrl?: string | null;
  emails: ContactPoint[];
  phones: ContactPoint[];
  addresses: PostalAddress[];
  company?: { name?: string; industry?: string; website?: string } | null;
  customerId?: string | null;
  leadSource?: string | null;
  tags: string[];
  notes?: string | null;
  consent?: { marketing: boolean; source?: string; at?: string } | null;
  status: string;
  statusChangedAt?: string | null;
  ownerId?: string | null;
  productId?: string | null;
  custom: Record<string, unknown>;
  version: number;
  createdAt?: string;
  updatedAt?: string;
}

/** A tenant-defined attribute (`GET /v1/custom-fields?resource=contact`). */
export interface CustomFieldDefinition {
  key: string;
  label: string;
  type: 'text' | 'number' | 'date' | 'boolean' | 'select' | 'multiselect';
  options: string[];
  required: boolean;
}

/** A person who can own records (`GET /v1/users`). */
export interface Person {
  id: string;
  name: string;
  email?: string;
}

/** A product (`GET /v1/products`). */
export interface Product {
  id: string;
  name: string;
}

/** A status workflow (`GET /v1/workflows/{key}`). */
export interface Workflow {
  key: string;
  initial?: string;
  states: Array<{ key: string; label: string; final: boolean }>;
  transitions: Array<{ from: string; to: string }>;
}

/** One entry of a record's activity timeline. */
export interface TimelineEntry {
  id: string;
  kind: string;
  title: string;
  at: string;
  byUserId?: string | null;
  note?: string | null;
  data?: Record<string, unknown>;
}

/** A stage of a pipeline. */
export interface PipelineStage {
  key: string;
  name: string;
  probability: number;
  kind?: 'open' | 'won' | 'lost';
}

/** An opportunity card on the board. */
export interface Opportunity {
  id: string;
  name: string;
  amount: number;
  currency: string;
  probability?: number;
  expectedCloseDate?: string | null;
  pipelineId: string;
  stage: string;
  rank?: number;
  ownerId?: string | null;
  productId?: string | null;
  customerId?: string | null;
  version: number;
}

/** Money per currency in one column. */
export interface ColumnTotal {
  currency: string;
  count: number;
  amount: number;
  weightedAmount?: number;
}

/** `GET /v1/pipelines/{id}/board`. */
export interface PipelineBoard {
  pipeline: { id: string; name: string; stages: PipelineStage[] };
  columns: Array<{ stage: PipelineStage; count: number; totals: ColumnTotal[]; opportunities: Opportunity[]; hasMore: boolean }>;
}

/** A task (`GET /v1/tasks`). */
export interface Task {
  id: string;
  kind: 'call' | 'meeting' | 'followUp' | 'todo';
  title: string;
  description?: string | null;
  subject?: { type: string; id: string } | null;
  assigneeId?: string | null;
  dueAt?: string | null;
  status: string;
  version: number;
}

/** A saved segment (`GET /v1/segments`). */
export interface Segment {
  id: string;
  name: string;
  resource?: string;
}

/** A message template (`GET /v1/templates`). */
export interface Template {
  id: string;
  name: string;
  category?: string;
  subject?: string;
  text?: string;
  html?: string;
}

/** A campaign as the creator builds it. */
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

/** A campaign as the API answers it. */
export interface Campaign {
  id: string;
  title: string;
  status: string;
  version: number;
}
