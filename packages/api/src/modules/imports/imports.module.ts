import { join } from 'node:path';
import { Types } from 'mongoose';
import type { AppContext } from '../../platform/context.js';
import type { RecordBase, RecordDeps, RecordService } from '../../platform/records/record-service.js';
import { principalOfStarter } from '../api-keys/api-key-principal.js';
import { createContactBody } from '../contacts/contact.schema.js';
import { createCustomerBody } from '../customers/customer.schema.js';
import type { CustomersService } from '../customers/customers.service.js';
import { createOpportunityBody } from '../opportunities/opportunity.schema.js';
import type { OpportunitiesService } from '../opportunities/opportunities.service.js';
import type { ContactsService } from '../contacts/contacts.service.js';
import { tenantModel } from '../identity/tenant.model.js';
import { userModel } from '../identity/user.model.js';
import { createLeadBody } from '../leads/lead.schema.js';
import type { LeadsService } from '../leads/leads.service.js';
import { createProductBody } from '../products/product.schema.js';
import type { ProductsService } from '../products/products.service.js';
import { createTaskBody } from '../tasks/task.schema.js';
import type { TasksService } from '../tasks/tasks.service.js';
import { productImportWriter, productRowRule, taskRowRule, teamMembers } from './import-kinds.js';
import { importRoutes } from './imports.routes.js';
import { createImportsService, IMPORT_RUN_JOB } from './imports.service.js';

/** The daily job that removes the uploaded files of imports left alone for the retention period. */
export const IMPORT_FILES_RETENTION_JOB = 'import.files-retention';
import type { ImportDeps } from './import-context.js';

/**
 * Imports (issue 20), wired: contacts through the contacts service, customers through the customers service, leads through the leads service
 * (its create rules, the participation list, hold for imported leads too), opportunities, tasks and products
 * through theirs, the run as an Agenda job that acts as the user who started the import.
 */
export function importsModule(ctx: AppContext, deps: { recordDeps: RecordDeps; contacts: ContactsService; leads: LeadsService; customers: CustomersService; opportunities: OpportunitiesService; products: ProductsService; tasks: TasksService; notify: ImportDeps['notify'] }) {
  const { connection, config } = ctx;
  const usersByEmail = async (tenantId: Types.ObjectId) => {
    // The agency's users, once per run: an equality read of its own (tens to hundreds of small documents).
    const users = await userModel(connection).find({ tenantId }).select({ emailNormalized: 1, status: 1 }).lean();
    return new Map(users.map((u) => [u.emailNormalized, { id: u._id, active: u.status === 'active' }]));
  };
  const service = createImportsService({
    connection,
    dataDir: join(config.DATA_DIR, 'uploads'),
    maxBytes: config.IMPORT_MAX_BYTES,
    batchSize: config.IMPORT_BATCH_SIZE,
    events: ctx.events,
    jobs: ctx.jobs,
    logger: ctx.logger,
    customFields: deps.recordDeps.customFields,
    workflows: deps.recordDeps.workflows,
    usersByEmail,
    notify: deps.notify,
    teamMembers: (tenantId, teamId) => teamMembers(connection, usersByEmail, tenantId, teamId),
    kinds: {
      contacts: { service: deps.contacts as unknown as RecordService<RecordBase>, create: createContactBody, resource: 'contact' },
      leads: { service: deps.leads as unknown as RecordService<RecordBase>, create: createLeadBody, resource: 'lead', compileRules: (principal) => deps.leads.compileRules(principal) },
      // Accounts through the record service's createMany; their parents and paths are resolved per batch (import-parents).
      // An updated account moves under the parent its row names through the tree move (which keeps the paths and refuses cycles).
      customers: {
        service: deps.customers as unknown as RecordService<RecordBase>,
        create: createCustomerBody,
        resource: 'customer',
        movedOnUpdate: {
          fields: ['parentId'],
          move: async (principal, id, values, existing) => {
            const parentId = values.parentId ? String(values.parentId) : null;
            if (existing && String((existing as RecordBase & { parentId?: unknown }).parentId ?? null) === String(parentId)) return;
            await deps.customers.move(principal, id, parentId);
          },
        },
      },
      // Opportunities through their service's createMany: the default pipeline, the stage by key or name, appended to the column; an updated one moves to its row's stage.
      opportunities: {
        service: deps.opportunities as unknown as RecordService<RecordBase>,
        create: createOpportunityBody,
        resource: 'opportunity',
        compileRules: (principal) => deps.opportunities.compileImportRules(principal),
        movedOnUpdate: { fields: ['stage', 'lostReason'], move: (principal, id, values) => deps.opportunities.moveToStageNamed(principal, id, values) },
      },
      // Products through the products service's own batch calls (import-kinds.ts); admins hold product:import.
      products: { service: productImportWriter(connection, deps.products), create: createProductBody, resource: 'product', compileRowRule: (_principal, job) => productRowRule(connection, job) },
      // Tasks through the record service's createMany (the tasks service's update for duplicates): subject and assignee are resolved by the import.
      tasks: { service: deps.tasks as unknown as RecordService<RecordBase>, create: createTaskBody, resource: 'task', compileRowRule: (principal, job) => taskRowRule(connection, principal, job) },
    },
    dailyRowCapOf: async (tenantId) => {
      const tenant = await tenantModel(connection).findById(tenantId).select({ settings: 1 }).lean();
      return { cap: tenant?.settings?.importDailyRowCap ?? config.IMPORT_DAILY_ROW_CAP, timeZone: tenant?.settings?.timeZone ?? 'UTC' };
    },
    // A run started with a secret key acts with the key's role, and stops when the key is revoked.
    principalOf: (job) => principalOfStarter(connection, job),
  });
  // A long run keeps its lock alive batch by batch; a worker that dies leaves it to expire, and the job runs again and resumes.
  ctx.jobs.define<{ tenantId: string; importId: string }>(IMPORT_RUN_JOB, async (job, keepAlive) => {
    await service.execute(new Types.ObjectId(job.attrs.data.tenantId), new Types.ObjectId(job.attrs.data.importId), keepAlive);
  }, { concurrency: 2 });
  // Daily: the uploaded files of imports left alone for IMPORT_FILE_RETENTION_DAYS are removed (the imports stay).
  ctx.jobs.define(IMPORT_FILES_RETENTION_JOB, async () => {
    await service.removeRestingFiles(config.IMPORT_FILE_RETENTION_DAYS);
  });
  ctx.jobs.recurring('41 3 * * *', IMPORT_FILES_RETENTION_JOB, { timezone: 'UTC' });
  return { service, routes: importRoutes(service, { maxBytes: config.IMPORT_MAX_BYTES }) };
}
