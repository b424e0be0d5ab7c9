import { z } from '../../platform/http/zod.js';
import { listOf } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import type { InvoiceMail } from './invoice.model.js';

const ledgerKey = z.string().regex(/^(invoice|reminder):[a-f0-9]{24}(:[a-z0-9-]{1,40})?$/, 'must be an invoice mail key such as reminder:<invoice id>:overdue-7');

const uncertainInvoiceMailSchema = z
  .object({
    key: z.string().openapi({ description: 'The ledger key: `invoice:<invoice id>` or `reminder:<invoice id>:<step>`' }),
    invoiceId: z.string(),
    accountId: z.string(),
    kind: z.enum(['invoice', 'reminder']),
    step: z.string().nullable(),
    to: z.array(z.string()),
    attempts: z.number().int(),
    messageId: z.string().openapi({ description: 'The Message-ID every attempt at this message carries, so a receiver can drop a second copy' }),
    reason: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('UncertainInvoiceMail');

const resendBody = z
  .object({ keys: z.array(ledgerKey).min(1).max(1000).optional().openapi({ description: 'Only these entries (default: every uncertain one of the agency)' }) })
  .openapi('InvoiceMailResendInput');

const resendResultSchema = z
  .object({
    resent: z.number().int().openapi({ description: 'How many messages were handed to the mail server again' }),
    results: z.array(z.object({ key: z.string(), outcome: z.enum(['sent', 'failed', 'held', 'done']) })),
  })
  .openapi('InvoiceMailResendResult');

const toDto = (e: InvoiceMail) => ({
  key: e._id,
  invoiceId: String(e.invoiceId),
  accountId: String(e.accountId),
  kind: e.kind,
  step: e.step ?? null,
  to: e.to,
  attempts: e.attempt,
  messageId: e.messageId,
  reason: e.error ?? null,
  createdAt: new Date(e.createdAt).toISOString(),
});

export interface InvoiceMailOps {
  uncertain: (tenantId: InvoiceMail['tenantId']) => Promise<InvoiceMail[]>;
  resendUncertain: (tenantId: InvoiceMail['tenantId'], keys: string[] | null) => Promise<{ key: string; outcome: 'sent' | 'failed' | 'held' | 'done' }[]>;
}

/** Invoice mail the ledger could not vouch for after a crash (issue 21): listed, and resent once on request. */
export function invoiceMailRoutes(ops: InvoiceMailOps): RouteSpec[] {
  const tags = ['Invoices'];
  return [
    defineRoute({
      method: 'get', path: '/invoice-mail/uncertain', operationId: 'listUncertainInvoiceMail', summary: 'Invoice emails and reminders that are uncertain after a crash', tags,
      description: 'An invoice email or payment reminder is `uncertain` when the process sending it stopped (crash, kill) after handing it to the mail server and before recording its answer: the customer may or may not have it. Such messages are never sent again by a job; see `POST /v1/invoice-mail/resend-uncertain`. Oldest first.',
      access: access.permission('invoice', 'read'),
      success: { status: 200, description: 'The uncertain messages of your agency', schema: listOf(uncertainInvoiceMailSchema, 'UncertainInvoiceMailList') },
      handler: async ({ req }) => ({ object: 'list' as const, data: (await ops.uncertain(req.principal!.tenantId)).map(toDto), hasMore: false, nextCursor: null }),
    }),
    defineRoute({
      method: 'post', path: '/invoice-mail/resend-uncertain', operationId: 'resendUncertainInvoiceMail', summary: 'Send uncertain invoice emails and reminders again', tags,
      description: 'Sends each uncertain message (or those named in `keys`) once more, rendered anew and with the same Message-ID, and logs it on the account\'s timeline. Idempotent: each uncertain message is resent at most once however often this is called, also concurrently; a repeat answers `resent: 0`. A reminder of an invoice paid meanwhile is not sent (`done`).',
      access: access.permission('invoice', 'update'), body: resendBody,
      success: { status: 200, description: 'What became of each message', schema: resendResultSchema },
      handler: async ({ body, req }) => {
        const results = await ops.resendUncertain(req.principal!.tenantId, body.keys ?? null);
        return { resent: results.filter((r) => r.outcome === 'sent').length, results };
      },
    }),
  ];
}
