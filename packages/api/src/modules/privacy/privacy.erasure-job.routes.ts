import type { AppContext } from '../../platform/context.js';
import { secretBoxFor } from '../../platform/crypto/secret-box.js';
import { idParams } from '../../platform/http/common.schema.js';
import { access, defineRoute, Reply, type RouteSpec } from '../../platform/http/route.js';
import { z } from '../../platform/http/zod.js';
import { createPrivacyErasureJobs, type PrivacyErasureJobs } from './privacy.erasure-job.js';
import { privacyRecordKinds } from './privacy.records.js';
import { privacyEraseBody } from './privacy.schema.js';

const erasureJobSchema = z
  .object({
    id: z.string(),
    status: z.enum(['queued', 'running', 'completed', 'failed']),
    subject: z.string().openapi({ description: 'The person, masked' }),
    attempts: z.number().int(),
    counts: z.record(z.string(), z.number().int()).openapi({ description: 'Records erased per kind, once completed' }),
    error: z.string().nullable(),
    statusUrl: z.string().openapi({ description: 'Where to poll the job (GET)' }),
    requestId: z.string().nullable().openapi({ description: 'The privacy request it became, once completed (GET /v1/privacy/requests)' }),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
  })
  .openapi('PrivacyErasureJob');

/** POST /privacy/erasure-jobs (202 with a status URL) and GET /privacy/erasure-jobs/{id}. */
export function privacyErasureJobRoutes(jobs: PrivacyErasureJobs): RouteSpec[] {
  const tags = ['Privacy'];
  return [
    defineRoute({
      method: 'post', path: '/privacy/erasure-jobs', operationId: 'queuePrivacyErasure', summary: 'Erase a person in the background',
      description: 'The same erasure as POST /privacy/erasures, run as a job: answers 202 with a `Location` to poll. The job is resumable (a run that stops is run again) and completes exactly once. `confirmation` must be `ERASE`.', tags,
      access: access.permission('privacyRequest', 'create'), body: privacyEraseBody, idempotency: 'once',
      success: { status: 202, description: 'Queued; poll `statusUrl`', schema: erasureJobSchema },
      handler: async ({ body, req }) => {
        const job = await jobs.request(req.principal!, body, body.confirmation);
        return new Reply(202, job, { Location: job.statusUrl });
      },
    }),
    defineRoute({
      method: 'get', path: '/privacy/erasure-jobs/{id}', operationId: 'getPrivacyErasureJob', summary: 'The status of an erasure job', tags,
      access: access.permission('privacyRequest', 'read'), params: idParams,
      success: { status: 200, description: 'The job', schema: erasureJobSchema },
      handler: ({ params, req }) => jobs.get(req.principal!, params.id),
    }),
  ];
}

/** The erasure job wired to the app: its Agenda job and routes. */
export function privacyErasureJobsModule(ctx: AppContext) {
  const jobs = createPrivacyErasureJobs({ connection: ctx.connection, events: ctx.events, jobs: ctx.jobs, kinds: privacyRecordKinds(ctx.connection), box: secretBoxFor(ctx.config), logger: ctx.logger });
  jobs.define();
  return { routes: privacyErasureJobRoutes(jobs), jobs };
}
