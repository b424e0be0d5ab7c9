import type { Connection } from 'mongoose';
import type { RecordDefinition } from '../../platform/records/record-service.js';
import { campaignCounterKeys, campaignModel, type Campaign } from './campaign.model.js';

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);
const id = (v: unknown) => (v ? String(v) : null);

/** The public (API) shape of a campaign. */
export function toCampaignDto(c: Campaign) {
  return {
    id: String(c._id),
    title: c.title,
    code: c.code,
    description: c.description ?? null,
    type: c.type,
    visibility: c.visibility ?? 'private',
    startAt: iso(c.startAt),
    endAt: iso(c.endAt),
    cost: c.cost ?? 0,
    expectedRevenue: c.expectedRevenue ?? 0,
    currency: c.currency ?? 'EUR',
    form: c.form
      ? {
          fields: (c.form.fields ?? []).map((f) => ({ key: f.key, label: f.label, required: Boolean(f.required) })),
          consentText: c.form.consentText ?? null,
          doubleOptIn: Boolean(c.form.doubleOptIn),
          thankYouMessage: c.form.thankYouMessage ?? null,
          redirectUrl: c.form.redirectUrl ?? null,
        }
      : null,
    message: c.message ? { templateId: id(c.message.templateId), subject: c.message.subject ?? null, body: c.message.body ?? null } : null,
    audience: c.audience
      ? { segmentId: id(c.audience.segmentId), contactIds: (c.audience.contactIds ?? []).map(String), leadIds: (c.audience.leadIds ?? []).map(String), customerIds: (c.audience.customerIds ?? []).map(String) }
      : null,
    counts: Object.fromEntries(campaignCounterKeys.map((k) => [k, c.counters?.[k] ?? 0])) as Record<(typeof campaignCounterKeys)[number], number>,
    expectedRoi: c.cost ? Math.round((((c.expectedRevenue ?? 0) - c.cost) / c.cost) * 10_000) / 10_000 : null,
    status: c.status,
    statusChangedAt: iso(c.statusChangedAt),
    ownerId: id(c.ownerId),
    teamId: id(c.teamId),
    productId: id(c.productId),
    departmentId: id(c.departmentId),
    custom: c.custom ?? {},
    version: c.version ?? 0,
    createdAt: iso(c.createdAt) ?? '',
    updatedAt: iso(c.updatedAt) ?? '',
  };
}

/** Campaigns: the record definition the shared record service runs (workflow `campaign`). */
export const campaignDefinition = (connection: Connection): RecordDefinition<Campaign> => ({
  resource: 'campaign',
  label: 'Campaign',
  model: campaignModel(connection),
  workflowKey: 'campaign',
  list: {
    filters: {
      status: { path: 'status', kind: 'string' },
      type: { path: 'type', kind: 'string' },
      visibility: { path: 'visibility', kind: 'string' },
      code: { path: 'codeKey', kind: 'string' },
      ownerId: { path: 'ownerId', kind: 'id' },
      teamId: { path: 'teamId', kind: 'id' },
      productId: { path: 'productId', kind: 'id' },
      startAt: { path: 'startAt', kind: 'date' },
      endAt: { path: 'endAt', kind: 'date' },
      createdAt: { path: 'createdAt', kind: 'date' },
    },
    sorts: {
      createdAt: { path: 'createdAt', kind: 'date' },
      updatedAt: { path: 'updatedAt', kind: 'date' },
      startAt: { path: 'startAt', kind: 'date' },
      endAt: { path: 'endAt', kind: 'date' },
      title: { path: 'title', kind: 'string' },
      status: { path: 'status', kind: 'string' },
    },
  },
  searchValues: (c) => [c.title, c.code, c.description],
  derive: (c) => (c.code ? { code: c.code.toUpperCase(), codeKey: c.code.toUpperCase() } : {}),
  toDto: toCampaignDto,
  exportColumns: {
    title: (c) => c.title,
    code: (c) => c.code,
    type: (c) => c.type,
    visibility: (c) => c.visibility,
    status: (c) => c.status,
    startAt: (c) => c.startAt,
    endAt: (c) => c.endAt,
    cost: (c) => c.cost,
    expectedRevenue: (c) => c.expectedRevenue,
    createdAt: (c) => c.createdAt,
  },
});
