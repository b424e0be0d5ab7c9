import { join } from 'node:path';
import { Types } from 'mongoose';
import type { AppContext } from '../../platform/context.js';
import type { RecordBase, RecordDeps, RecordService } from '../../platform/records/record-service.js';
import { apiKeyModel } from '../api-keys/api-key.model.js';
import { createContactBody } from '../contacts/contact.schema.js';
import type { ContactsService } from '../contacts/contacts.service.js';
import { loadPrincipal } from '../identity/principal.service.js';
import { createLeadBody } from '../leads/lead.schema.js';
import type { LeadsService } from '../leads/leads.service.js';
import { importRoutes } from './imports.routes.js';
import { createImportsService, IMPORT_RUN_JOB } from './imports.service.js';

/**
 * Imports (issue 20), wired: contacts through the contacts service, leads through the leads service
 * (its create rules, the participation list, hold for imported leads too), the run as an Agenda job
 * that acts as the user who started the import.
 */
export function importsModule(ctx: AppContext, deps: { recordDeps: RecordDeps; contacts: ContactsService; leads: LeadsService }) {
  const { connection, config } = ctx;
  const service = createImportsService({
    connection,
    dataDir: join(config.DATA_DIR, 'uploads'),
    maxBytes: config.IMPORT_MAX_BYTES,
    batchSize: config.IMPORT_BATCH_SIZE,
    events: ctx.events,
    jobs: ctx.jobs,
    logger: ctx.logger,
    customFields: deps.recordDeps.customFields,
    kinds: {
      contacts: { service: deps.contacts as unknown as RecordService<RecordBase>, create: createContactBody, resource: 'contact' },
      leads: { service: deps.leads as unknown as RecordService<RecordBase>, create: createLeadBody, resource: 'lead', compileRules: (principal) => deps.leads.compileRules(principal) },
    },
    principalOf: async (job) => {
      // A run started with a secret key acts with the key's role, and stops when the key is revoked.
      const key = job.apiKeyId ? await apiKeyModel(connection).findOne({ tenantId: job.tenantId, _id: job.apiKeyId }).lean() : null;
      if (job.apiKeyId && (!key || key.revokedAt)) return null;
      return loadPrincipal(connection, { tenantId: job.tenantId, userId: job.createdBy, apiKeyId: job.apiKeyId, ...(key?.roleId ? { roleId: key.roleId } : {}) });
    },
  });
  // A long run keeps its lock alive batch by batch; a worker that dies leaves it to expire, and the job runs again and resumes.
  ctx.jobs.define<{ tenantId: string; importId: string }>(IMPORT_RUN_JOB, async (job, keepAlive) => {
    await service.execute(new Types.ObjectId(job.attrs.data.tenantId), new Types.ObjectId(job.attrs.data.importId), keepAlive);
  }, { concurrency: 2 });
  return { service, routes: importRoutes(service, { maxBytes: config.IMPORT_MAX_BYTES }) };
}
