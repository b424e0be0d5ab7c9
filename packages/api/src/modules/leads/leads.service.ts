import { Types, type Connection } from 'mongoose';
import { assertCan, assertWritable, can } from '../../platform/access/access.js';
import type { Resource } from '../../platform/access/catalog.js';
import type { Principal } from '../../platform/access/principal.js';
import { op } from '../../platform/db/operators.js';
import { AppError, isDuplicateKeyError, type FieldError } from '../../platform/errors.js';
import { writeNextVersion, writeVersion } from '../../platform/records/version-claims.js';
import { createRecordService, type RecordBase, type RecordDeps, type RecordService } from '../../platform/records/record-service.js';
import type { Customer } from '../customers/customer.model.js';
import type { CustomersService } from '../customers/customers.service.js';
import { leadDefinition, leadDisplayName, toLeadDto } from './lead.definition.js';
import { defaultParticipationTypes, leadConversionClaimModel, leadModel, leadSettingsModel, type Lead, type LeadConversion } from './lead.model.js';

type Client = { ip?: string; userAgent?: string };

/** How conversion opens the opportunity (the opportunities module's `createOpportunityFromLead`, idempotent by lead). */
export type OpportunityFromLead = (
  principal: Principal,
  input: {
    lead: { id: Types.ObjectId; name: string; companyName: string | null; leadSource: string | null; campaignId: Types.ObjectId | null; productId: Types.ObjectId | null; ownerId: Types.ObjectId | null; amount?: number | null; currency?: string | null; expectedCloseDate?: string | null };
    customerId: Types.ObjectId;
    contactId: Types.ObjectId;
    name?: string;
    pipelineId?: string;
  },
  client?: Client,
) => Promise<{ opportunity: { id: string } }>;

export interface ConvertInput {
  customerId?: string | null | undefined;
  customerName?: string | undefined;
  contactRole: string;
  opportunity?: false | { name?: string | undefined; amount?: number | undefined; currency?: string | undefined; expectedCloseDate?: string | undefined; pipelineId?: string | undefined } | undefined;
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value ?? null)) as T;

/**
 * Leads: the shared record rules, 002's participation list (a tenant setting), and conversion into
 * customer + contact + opportunity that is safe to retry and to run concurrently (see `convert`).
 */
export function createLeadsService(
  connection: Connection,
  deps: RecordDeps & { customers: CustomersService; contacts: RecordService<RecordBase & { customerId?: Types.ObjectId | null }>; opportunityFromLead: OpportunityFromLead | null },
) {
  const record = createRecordService(leadDefinition(connection), deps);
  const Lead = leadModel(connection);
  const Settings = leadSettingsModel(connection);
  const Claims = leadConversionClaimModel(connection);

  async function settings(tenantId: Types.ObjectId) {
    const stored = await Settings.findOne({ tenantId, scope: 'leads' }).lean();
    return { participationTypes: stored?.participationTypes ?? [...defaultParticipationTypes], version: stored?.version ?? 0 };
  }

  /** The lead rules beyond its schema, with the agency's settings read once (for many leads): the participation is one of the agency's list. */
  async function compileRules(tenantId: Types.ObjectId): Promise<(input: Record<string, unknown>) => FieldError[]> {
    const { participationTypes } = await settings(tenantId);
    return (input) => {
      const value = input.participation;
      if (value === undefined || value === null || participationTypes.includes(String(value))) return [];
      return [{ field: 'participation', code: 'invalid', message: `must be one of: ${participationTypes.join(', ')}` }];
    };
  }

  async function checkParticipation(principal: Principal, input: Record<string, unknown>) {
    if (input.participation === undefined || input.participation === null) return;
    const [error] = (await compileRules(principal.tenantId))(input);
    if (error) throw AppError.invalidField(error.field, error.message);
  }

  /** Creates with a reserved id; a duplicate `_id` means an earlier or concurrent attempt already did. */
  async function ensureCreated(service: { definition: { model: { exists(filter: object): Promise<unknown> } } }, principal: Principal, id: Types.ObjectId, create: () => Promise<unknown>) {
    try {
      await create();
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      if (!(await service.definition.model.exists({ tenantId: principal.tenantId, _id: id }))) throw error;
    }
  }

  const ownerFor = (principal: Principal, resource: Resource, ownerId: Types.ObjectId | null | undefined) =>
    ownerId && (ownerId.equals(principal.userId) || can(principal, resource, 'assign')) ? { ownerId: String(ownerId) } : {};

  async function reload(principal: Principal, id: Types.ObjectId): Promise<Lead> {
    return (await Lead.findOne({ tenantId: principal.tenantId, _id: id }).lean<Lead>())!;
  }

  /** How long a conversion in progress belongs to the request that started it; after that it was a request that died, and the next call resumes it. */
  const conversionLeaseMs = 60_000;
  const conversionInProgress = () =>
    new AppError('conflict', 'This lead is being converted by another request right now; ask again in a moment for its result', { extensions: { retryAfter: 1 }, headers: { 'Retry-After': '1' } });

  /** True when this call may finish the conversion; a finish claim older than a minute belongs to a call that died. */
  async function claimFinish(principal: Principal, leadId: Types.ObjectId): Promise<boolean> {
    try {
      await Claims.create({ tenantId: principal.tenantId, leadId, step: 'finish' });
      return true;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const stale = await Claims.deleteOne({ tenantId: principal.tenantId, leadId, step: 'finish', at: op({ $lt: new Date(Date.now() - 60_000) }) });
      if (!stale.deletedCount || (await reload(principal, leadId)).conversion?.completedAt) return false;
      return claimFinish(principal, leadId);
    }
  }

  function result(lead: Lead) {
    const c = lead.conversion!;
    return { lead: toLeadDto(lead), customerId: String(c.customerId), contactId: String(c.contactId), opportunityId: c.opportunityId ? String(c.opportunityId) : null, customerCreated: Boolean(c.createCustomer) };
  }

  return {
    ...record,

    async create(principal: Principal, input: Record<string, unknown>, client?: Client, options: { id?: Types.ObjectId } = {}) {
      await checkParticipation(principal, input);
      return record.create(principal, input, client, options);
    },

    /** The rules `create` adds to the schema, compiled for many leads of one agency (an import checks its rows with them). */
    compileRules: (principal: Principal) => compileRules(principal.tenantId),

    /** `createMany` of the record rules, with the lead rules of `create`: a lead that breaks one is refused, the others are created. */
    async createMany(principal: Principal, items: Parameters<typeof record.createMany>[1], options: Parameters<typeof record.createMany>[2] = {}) {
      const check = await compileRules(principal.tenantId);
      const refused = items.map((item) => {
        const errors = check(item.input);
        return errors.length ? new AppError('validation_failed', `${errors[0]!.field} ${errors[0]!.message}`, { errors }) : null;
      });
      const created = await record.createMany(principal, items.filter((_, i) => !refused[i]), options);
      let next = 0;
      return items.map((item, i) => (refused[i] ? { id: item.id, error: refused[i] } : created[next++]!));
    },

    async update(principal: Principal, id: string, patch: Record<string, unknown>, options: { ifMatch?: number | undefined; client?: Client } = {}) {
      await checkParticipation(principal, patch);
      const existing = await record.findVisible(principal, id, 'update');
      const merged = { ...existing, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as Lead;
      if (merged.kind === 'company' && !merged.companyName) throw AppError.invalidField('companyName', 'is required for a company lead');
      if (merged.kind !== 'company' && (!merged.firstName || !merged.lastName)) throw AppError.invalidField(!merged.firstName ? 'firstName' : 'lastName', 'is required for an individual lead');
      return record.update(principal, id, patch, options);
    },

    /** The agency's lead settings (defaults until an admin saves them). */
    settings: (principal: Principal) => settings(principal.tenantId),

    async updateSettings(principal: Principal, input: { participationTypes: string[] }, ifMatch?: number) {
      const stored = await Settings.findOne({ tenantId: principal.tenantId, scope: 'leads' }).lean();
      const conflict = (version: number) => new AppError('version_conflict', `Lead settings were changed by someone else (now version ${version}); reload and try again`);
      if (!stored) {
        if (ifMatch !== undefined && ifMatch !== 0) throw conflict(0);
        try {
          await Settings.create({ tenantId: principal.tenantId, scope: 'leads', participationTypes: input.participationTypes });
          // Version 0 stands for the defaults, so the first save is version 1.
          await Settings.updateOne({ tenantId: principal.tenantId, scope: 'leads', version: 0 }, { $inc: { version: 1 } });
        } catch (error) {
          if (isDuplicateKeyError(error)) throw conflict((await settings(principal.tenantId)).version);
          throw error;
        }
      } else {
        if (ifMatch !== undefined && stored.version !== ifMatch) throw conflict(stored.version);
        if (!(await writeVersion(Settings, stored, { $set: { participationTypes: input.participationTypes } }))) throw conflict((await settings(principal.tenantId)).version);
      }
      const after = await settings(principal.tenantId);
      await deps.events.publish({ type: 'lead.settingsUpdated', tenantId: principal.tenantId, resource: 'lead', resourceId: null, actor: { tenantId: principal.tenantId, userId: principal.userId, apiKeyId: principal.apiKeyId }, data: after });
      return after;
    },

    /**
     * Converts a lead into a customer (or attaches it to an existing one), a contact and an opportunity.
     * No transactions: the first call reserves every id in a plan, claimed by inserting it into
     * `lead_conversions` (unique per lead, so of concurrent calls exactly one makes the plan even where
     * FerretDB's conditional updates are not atomic) and copied into the lead's `conversion` sub-document.
     * Each step then creates its record with the reserved id and marks itself done; every write to the
     * lead takes its version claim (writeNextVersion), so a concurrent edit of the lead is neither lost
     * nor overwritten. A call while another conversion of the lead is in progress answers 409 `conflict`
     * (Retry-After); a call after it answers the same ids; a call after a conversion whose request died
     * (older than the lease) resumes its plan. A create that meets its reserved id already taken (unique
     * `_id`) counts as done, so nothing is made twice.
     */
    async convert(principal: Principal, id: string, input: ConvertInput, client?: Client) {
      let lead = await record.findVisible(principal, id, 'update');
      assertWritable(principal, lead);
      const fresh = (startedAt: Date | null | undefined) => Boolean(startedAt && Date.now() - new Date(startedAt).getTime() < conversionLeaseMs);
      if (lead.conversion && !lead.conversion.completedAt && fresh(lead.conversion.startedAt)) throw conversionInProgress();
      if (!lead.conversion) {
        assertCan(principal, 'contact', 'create');
        if (lead.status !== 'converted') await deps.workflows.assertTransition(principal, 'lead', lead.status, 'converted');
        if (!lead.firstName || !lead.lastName) {
          throw new AppError('validation_failed', 'The lead needs a person (first and last name) to become a contact; add them and convert again', {
            errors: [!lead.firstName ? 'firstName' : null, !lead.lastName ? 'lastName' : null].filter(Boolean).map((field) => ({ field: field!, code: 'required', message: 'is required to create the contact' })),
          });
        }
        const attachTo = input.customerId ?? (lead.customerId ? String(lead.customerId) : null);
        if (attachTo) {
          try {
            await deps.customers.findVisible(principal, attachTo, 'read');
          } catch (error) {
            if (error instanceof AppError && error.code === 'not_found') throw AppError.invalidField('customerId', 'is not a customer you can see');
            throw error;
          }
        } else assertCan(principal, 'customer', 'create');
        const plan: LeadConversion = {
          customerId: attachTo ? new Types.ObjectId(attachTo) : new Types.ObjectId(),
          createCustomer: !attachTo,
          contactId: new Types.ObjectId(),
          opportunityId: null,
          customerDone: false,
          contactDone: false,
          opportunityDone: input.opportunity === false || !deps.opportunityFromLead,
          byUserId: principal.userId,
          startedAt: new Date(),
          completedAt: null,
        };
        let agreed = plan;
        try {
          await Claims.create({ tenantId: principal.tenantId, leadId: lead._id, step: 'plan', ...plan });
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
          const claimed = (await Claims.findOne({ tenantId: principal.tenantId, leadId: lead._id, step: 'plan' }).lean())!;
          // Another request made the plan: it is converting now, unless it died before finishing (then resume its plan).
          if (fresh(claimed.at) && !(await reload(principal, lead._id)).conversion?.completedAt) throw conversionInProgress();
          agreed = {
            customerId: claimed.customerId!,
            createCustomer: Boolean(claimed.createCustomer),
            contactId: claimed.contactId!,
            opportunityId: null,
            customerDone: false,
            contactDone: false,
            opportunityDone: Boolean(claimed.opportunityDone),
            byUserId: claimed.byUserId!,
            startedAt: claimed.startedAt!,
            completedAt: null,
          };
        }
        await writeNextVersion(Lead, principal.tenantId, lead._id, (current) => (current.conversion ? null : { $set: { conversion: agreed } }));
        lead = await reload(principal, lead._id);
      }
      const plan = lead.conversion!;
      if (plan.completedAt) return result(lead);
      // Each step's mark is a write to the lead like any other: it takes the lead's next version claim.
      const step = (name: 'contactDone' | 'customerDone' | 'opportunityDone', extra: Record<string, unknown> = {}) =>
        writeNextVersion(Lead, principal.tenantId, lead._id, (current) => (current.conversion?.[name] ? null : { $set: { [`conversion.${name}`]: true, ...extra } }));

      if (!plan.contactDone) {
        const contact = {
          firstName: lead.firstName,
          middleName: lead.middleName ?? null,
          lastName: lead.lastName,
          jobTitle: lead.jobTitle ?? null,
          emails: clone(lead.emails ?? []),
          phones: clone(lead.phones ?? []),
          addresses: clone(lead.addresses ?? []),
          company: lead.companyName || lead.industry ? { ...(lead.companyName ? { name: lead.companyName } : {}), ...(lead.industry ? { industry: lead.industry } : {}), ...(lead.website ? { website: lead.website } : {}) } : null,
          customerId: plan.customerId,
          leadSource: lead.source ?? null,
          // 002: the part the person takes in the product travels as a tag, so Sales and Marketing can filter speakers.
          tags: [...new Set([...(lead.tags ?? []), ...(lead.participation ? [lead.participation] : [])])],
          productId: lead.productId ? String(lead.productId) : null,
          teamId: lead.teamId ? String(lead.teamId) : null,
          ...ownerFor(principal, 'contact', lead.ownerId),
        };
        await ensureCreated(deps.contacts, principal, plan.contactId, () => deps.contacts.create(principal, contact, client, { id: plan.contactId }));
        await step('contactDone');
      }

      if (!plan.customerDone) {
        if (plan.createCustomer) {
          const address = lead.addresses?.find((a) => a.primary) ?? lead.addresses?.[0];
          const customer = {
            name: lead.companyName || leadDisplayName(lead),
            industry: lead.industry ?? null,
            website: lead.website ?? null,
            address: address ? clone({ line1: address.line1, line2: address.line2, city: address.city, state: address.state, country: address.country, postalCode: address.postalCode }) : null,
            emails: lead.kind === 'company' ? clone(lead.emails ?? []) : [],
            phones: lead.kind === 'company' ? clone(lead.phones ?? []) : [],
            tags: clone(lead.tags ?? []),
            contacts: [{ contactId: String(plan.contactId), role: input.contactRole }],
            preferences: { services: clone(lead.services ?? []) },
            sourceLeadId: lead._id,
            ...ownerFor(principal, 'customer', lead.ownerId),
          };
          if (input.customerName) customer.name = input.customerName;
          await ensureCreated(deps.customers, principal, plan.customerId, () => deps.customers.create(principal, customer, client, { id: plan.customerId }));
        } else {
          const existing = (await deps.customers.findVisible(principal, String(plan.customerId), 'read')) as Customer;
          if (!existing.contacts.some((c) => c.contactId.equals(plan.contactId))) {
            await deps.customers.update(principal, String(plan.customerId), { contacts: [...clone(existing.contacts), { contactId: String(plan.contactId), role: input.contactRole }] }, { client });
          }
        }
        await step('customerDone');
      }

      if (!plan.opportunityDone && deps.opportunityFromLead) {
        const o = input.opportunity || {};
        const { opportunity } = await deps.opportunityFromLead(
          principal,
          {
            lead: {
              id: lead._id,
              name: leadDisplayName(lead),
              companyName: lead.companyName ?? null,
              leadSource: lead.source ?? null,
              campaignId: lead.campaignId ?? null,
              productId: lead.productId ?? null,
              ownerId: lead.ownerId ?? null,
              amount: o.amount ?? null,
              currency: o.currency ?? null,
              expectedCloseDate: o.expectedCloseDate ?? null,
            },
            customerId: plan.customerId,
            contactId: plan.contactId,
            ...(o.name ? { name: o.name } : {}),
            ...(o.pipelineId ? { pipelineId: o.pipelineId } : {}),
          },
          client,
        );
        await step('opportunityDone', { 'conversion.opportunityId': new Types.ObjectId(opportunity.id) });
      }

      // One caller finishes (status change, completion, event); the others answer the ids, which are final.
      if (!(await claimFinish(principal, lead._id))) return result(await reload(principal, lead._id));
      lead = await reload(principal, lead._id);
      if (lead.status !== 'converted') {
        try {
          await record.transition(principal, id, { to: 'converted', note: 'Converted to customer, contact and opportunity' }, client);
        } catch (error) {
          // A concurrent conversion may have moved it first; that is the same outcome.
          if (!(error instanceof AppError && (error.code === 'version_conflict' || error.code === 'invalid_transition'))) throw error;
          if ((await reload(principal, lead._id)).status !== 'converted') throw error;
        }
      }
      const completedNow = await writeNextVersion(Lead, principal.tenantId, lead._id, (current) =>
        current.conversion?.completedAt ? null : { $set: { 'conversion.completedAt': new Date(), customerId: plan.customerId, updatedAt: new Date() } },
      );
      lead = await reload(principal, lead._id);
      const outcome = result(lead);
      if (completedNow) {
        await deps.events.publish({
          type: 'lead.converted',
          tenantId: principal.tenantId,
          resource: 'lead',
          resourceId: String(lead._id),
          actor: { tenantId: principal.tenantId, userId: principal.userId, apiKeyId: principal.apiKeyId, ip: client?.ip, userAgent: client?.userAgent },
          record: outcome.lead,
          data: { customerId: outcome.customerId, contactId: outcome.contactId, opportunityId: outcome.opportunityId, customerCreated: outcome.customerCreated },
        });
      }
      return outcome;
    },
  };
}

export type LeadsService = ReturnType<typeof createLeadsService>;
