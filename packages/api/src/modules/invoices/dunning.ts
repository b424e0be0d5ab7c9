import type { Connection, Types } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { compileHtml, compileText } from '../../platform/documents/priced-document.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import type { Jobs } from '../../platform/jobs/jobs.js';
import { defaultDunningSteps, invoiceTemplateData, invoiceTemplateVariables, renderInvoicePdf, stepTexts, type Branding } from './invoice-document.js';
import type { InvoiceMailer, InvoiceMessage } from './invoice-mail.js';
import { dunningSettingsModel, invoiceModel, type DunningStep, type Invoice, type InvoiceMail } from './invoice.model.js';
import { billingAddresses, type InvoicedAccount, type InvoicesService } from './invoices.service.js';

export const DUNNING_JOB = 'invoices.dunning';
const day = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (text: string, n: number) => day(new Date(Date.parse(`${text}T00:00:00Z`) + n * 86_400_000));

export interface DunningDeps {
  connection: Connection;
  mail: InvoiceMailer;
  invoices: InvoicesService;
  accountById: (tenantId: Types.ObjectId, id: Types.ObjectId) => Promise<InvoicedAccount | null>;
  branding: (tenantId: Types.ObjectId) => Promise<Branding>;
  /** The language of the account's invoice mail and reminders: its billing contact's, else its own, else the agency's (invoicing.module.ts). */
  mailLanguage: (tenantId: Types.ObjectId, accountId: Types.ObjectId) => Promise<string>;
  /** Publishes `invoice.overdue` once per invoice (invoice-events.ts). */
  overdue?: (tenantId: Types.ObjectId, invoiceId: Types.ObjectId) => Promise<unknown>;
}

export interface DunningRun {
  sent: number;
  skipped: number;
  failed: number;
  held: number;
  uncertain: number;
}

/** The agency's schedule and its texts (GET/PUT /v1/dunning-settings). */
export function createDunningSettings(connection: Connection) {
  const Settings = dunningSettingsModel(connection);
  async function read(tenantId: Types.ObjectId) {
    const stored = await Settings.findOne({ tenantId, scope: 'dunning' }).lean();
    return { enabled: stored?.enabled ?? true, steps: stored?.steps?.length ? stored.steps : defaultDunningSteps, version: stored?.version ?? 0 };
  }
  return {
    read,
    async get(principal: Principal) {
      return { ...(await read(principal.tenantId)), variables: invoiceTemplateVariables };
    },
    /** Replaces the schedule; every template must compile and render, step keys are unique. */
    async put(principal: Principal, input: { enabled: boolean; steps: DunningStep[] }) {
      const keys = new Set<string>();
      const sample = Object.fromEntries(invoiceTemplateVariables.map((v) => [v, v]));
      const check = (texts: { subjectTemplate: string; bodyTemplate: string }, path: string) => {
        for (const field of ['subjectTemplate', 'bodyTemplate'] as const) {
          try {
            compileText(texts[field])(sample);
          } catch (error) {
            throw AppError.invalidField(`${path}.${field}`, `is not a valid template: ${(error as Error).message.split('\n')[0]}`, 'template');
          }
        }
      };
      input.steps.forEach((step, i) => {
        if (keys.has(step.key)) throw AppError.invalidField(`steps.${i}.key`, 'is used by another step');
        keys.add(step.key);
        check(step, `steps.${i}`);
        const languages = new Set<string>();
        (step.translations ?? []).forEach((t, j) => {
          if (languages.has(t.language.toLowerCase())) throw AppError.invalidField(`steps.${i}.translations.${j}.language`, 'has another text in this step');
          languages.add(t.language.toLowerCase());
          check(t, `steps.${i}.translations.${j}`);
        });
      });
      const steps = [...input.steps].sort((a, b) => a.offsetDays - b.offsetDays);
      const $set = { enabled: input.enabled, steps };
      await Settings.updateOne({ tenantId: principal.tenantId, scope: 'dunning' }, { $set, $inc: { version: 1 } }, { upsert: true }).catch((error: unknown) => {
        if (!isDuplicateKeyError(error)) throw error;
        return Settings.updateOne({ tenantId: principal.tenantId, scope: 'dunning' }, { $set, $inc: { version: 1 } });
      });
      return { ...(await read(principal.tenantId)), variables: invoiceTemplateVariables };
    },
  };
}

/** A reminder's message: the step's texts in the billing contact's or account's language, or null when nothing is to be sent. */
async function reminderMessage(deps: DunningDeps, invoiceId: Types.ObjectId, tenantId: Types.ObjectId, step: DunningStep, now: Date): Promise<InvoiceMessage | null> {
  const invoice = await deps.invoices.byId(tenantId, invoiceId);
  if (!invoice || (invoice.status !== 'issued' && invoice.status !== 'partiallyPaid')) return null;
  const account = await deps.accountById(tenantId, invoice.accountId);
  const to = account ? billingAddresses(account) : [];
  if (!to.length) return null;
  const branding = await deps.branding(tenantId);
  // The billing contact's language, else the account's, else the agency's; dates and amounts are formatted in it too.
  const language = await deps.mailLanguage(tenantId, invoice.accountId);
  const locale = Intl.DateTimeFormat.supportedLocalesOf([language])[0] ?? 'en';
  const texts = stepTexts(step, language);
  const data = invoiceTemplateData(invoice, { customerName: account?.name ?? 'customer', companyName: branding.companyName, locale, now });
  const pdf = await renderInvoicePdf(invoice, branding, data, locale);
  return {
    to,
    subject: compileText(texts.subjectTemplate)(data).replace(/[\r\n]+/g, ' '),
    text: compileText(texts.bodyTemplate)(data),
    html: compileHtml(texts.bodyTemplate)(data),
    attachments: [{ filename: `${data.number}.pdf`, content: pdf, contentType: 'application/pdf' }],
  };
}

/**
 * The message of a ledger entry, rendered again (a dead run's claim, or an operator's resend of an
 * uncertain one): the invoice's email, or its reminder step in the account's language.
 */
export async function entryMessage(deps: DunningDeps, entry: InvoiceMail, now: Date): Promise<InvoiceMessage | null> {
  if (entry.kind === 'invoice') {
    const invoice = await deps.invoices.byId(entry.tenantId, entry.invoiceId);
    return invoice ? deps.invoices.invoiceMessage(invoice, await deps.accountById(entry.tenantId, invoice.accountId)) : null;
  }
  const step = (await createDunningSettings(deps.connection).read(entry.tenantId)).steps.find((s) => s.key === entry.step);
  return step ? reminderMessage(deps, entry.invoiceId, entry.tenantId, step, now) : null;
}

/**
 * Payment reminders: for every open invoice (issued or partially paid) of every agency, the latest step
 * of the agency's schedule whose day (due day + offset) has come is sent once, through the agency's
 * mailbox, with the PDF; earlier steps not sent by then (the invoice was created late, the job did not
 * run) are recorded as skipped rather than mailed in a burst. Each (invoice, step) is one entry of the
 * invoice mail ledger, so a step goes out at most once whatever crashes or runs twice, and a crashed
 * run's claims are settled first. A paid invoice is no longer read, and the invoice is read again just
 * before its reminder is rendered, so a payment stops what has not started.
 */
export async function runDunning(deps: DunningDeps, now: Date): Promise<DunningRun> {
  const Invoice = invoiceModel(deps.connection);
  const Settings = createDunningSettings(deps.connection);
  const today = day(now);
  const result: DunningRun = { sent: 0, skipped: 0, failed: 0, held: 0, uncertain: 0 };

  // First the claims of runs that died: unstarted ones are sent now, interrupted ones become uncertain.
  const settled = await deps.mail.reconcile((entry: InvoiceMail) => entryMessage(deps, entry, now));
  result.held += settled.held;
  result.sent += settled.resent;
  result.uncertain += settled.uncertain;

  const schedules = new Map<string, Awaited<ReturnType<typeof Settings.read>>>();
  for (const status of ['issued', 'partiallyPaid'] as const) {
    // Open invoices are few next to all invoices; one top-level equality across agencies.
    const open = await Invoice.find({ status }).setOptions({ crossTenant: 'the dunning job runs for every agency' }).select('_id tenantId accountId number dueDate issueDate').limit(100_000).lean<Invoice[]>();
    for (const invoice of open) {
      if (invoice.number === null) continue;
      if (day(new Date(invoice.dueDate)) < today) await deps.overdue?.(invoice.tenantId, invoice._id);
      const key = String(invoice.tenantId);
      if (!schedules.has(key)) schedules.set(key, await Settings.read(invoice.tenantId));
      const schedule = schedules.get(key)!;
      if (!schedule.enabled) continue;
      const dueDay = day(new Date(invoice.dueDate));
      const reached = schedule.steps.filter((s) => addDays(dueDay, s.offsetDays) <= today);
      if (!reached.length) continue;
      const entries = await deps.mail.entriesOf(invoice.tenantId, invoice._id);
      const done = new Set(entries.map((e) => e.step));
      const latest = reached[reached.length - 1]!;
      const target = (step: DunningStep) => ({ tenantId: invoice.tenantId, invoiceId: invoice._id, accountId: invoice.accountId, kind: 'reminder' as const, step: step.key, userId: null });
      for (const step of reached) {
        if (done.has(step.key)) continue;
        const beforeIssue = addDays(dueDay, step.offsetDays) < day(new Date(invoice.issueDate));
        if (step !== latest || beforeIssue) {
          await deps.mail.markSkipped(target(step), step !== latest ? `a later step (${latest.key}) was due when the job ran` : 'its day was before the invoice was issued');
          result.skipped += 1;
          continue;
        }
        const outcome = await deps.mail.deliver(target(step), [], () => reminderMessage(deps, invoice._id, invoice.tenantId, step, now));
        if (outcome === 'sent') result.sent += 1;
        else if (outcome === 'failed') result.failed += 1;
        else if (outcome === 'held') result.held += 1;
      }
    }
  }
  return result;
}

/** The hourly reminder job (Agenda); it runs at most once at a time, and each step is sent once anyway. */
export function defineDunningJob(deps: DunningDeps & { jobs: Jobs }): void {
  deps.jobs.define(DUNNING_JOB, async () => {
    await runDunning(deps, new Date());
  });
  deps.jobs.recurring('41 * * * *', DUNNING_JOB, { timezone: 'UTC' });
}
