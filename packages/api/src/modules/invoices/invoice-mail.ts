import { randomUUID } from 'node:crypto';
import type { Connection, Types } from 'mongoose';
import { isDuplicateKeyError } from '../../platform/errors.js';
import { invoiceMailModel, type InvoiceMail } from './invoice.model.js';

export interface InvoiceMessage {
  to: string[];
  subject: string;
  text: string;
  html: string;
  attachments: { filename: string; content: Buffer; contentType: string }[];
}

export interface InvoiceMailDeps {
  connection: Connection;
  /** How long a run may go silent before another process treats its claims as orphaned (ms). */
  leaseMs: number;
  /** Sends through the user's mailbox, else the agency's, else SMTP_URL, with the given Message-ID. */
  send: (tenantId: Types.ObjectId, userId: Types.ObjectId | null, message: InvoiceMessage & { messageId: string }) => Promise<unknown>;
  /** Writes the message on the account's timeline. */
  log: (entry: InvoiceMail, subject: string) => Promise<void>;
}

export interface MailTarget {
  tenantId: Types.ObjectId;
  invoiceId: Types.ObjectId;
  accountId: Types.ObjectId;
  kind: 'invoice' | 'reminder';
  step?: string | null;
  userId?: Types.ObjectId | null;
}

export type DeliverOutcome = 'sent' | 'failed' | 'held' | 'done';

const RUNS = 'invoice_mail_runs';
const ATTEMPTS = 'invoice_mail_attempts';
const byKey = { crossTenant: 'a ledger entry by its key (an invoice id is unique across agencies); the tenant is in the key\'s entry' };

export const invoiceMailKey = (t: Pick<MailTarget, 'kind' | 'invoiceId' | 'step'>) => `${t.kind}:${String(t.invoiceId)}${t.step ? `:${t.step}` : ''}`;
export const invoiceMessageId = (key: string) => `<${key.replace(/:/g, '.')}@invoices.crm>`;

/**
 * Invoice mail, at most once per key and never lost silently (the email ledger's rules, docs/email.md,
 * for one message at a time). The claim is the INSERT of the entry (its `_id` is the key: an invoice's
 * send, or one dunning step of it), so two processes, a retry or a second job run cannot both win it.
 * The entry is marked `sending` before the message is handed to SMTP, under a run lease this process
 * renews (a fence: it stops by itself before others may consider it dead). After a crash, an entry
 * still `claimed` by a dead run never reached SMTP and is taken over (by the unique insert of its next
 * attempt); one left `sending` may or may not be at the server, so it becomes `uncertain` and is never
 * sent again by a job. Every message carries the key as its Message-ID.
 */
export function createInvoiceMail(deps: InvoiceMailDeps) {
  const Mail = invoiceMailModel(deps.connection);
  const runs = deps.connection.collection<{ _id: string; heartbeatAt: Date }>(RUNS);
  const attempts = deps.connection.collection<{ _id: string; runId: string; createdAt: Date }>(ATTEMPTS);
  const runId = `invoice-mail-${randomUUID()}`;
  let heartbeatAt = 0;
  let timer: NodeJS.Timeout | null = null;

  async function beat() {
    const at = new Date();
    await runs.updateOne({ _id: runId }, { $set: { heartbeatAt: at } }, { upsert: true });
    heartbeatAt = at.getTime();
  }
  async function ensureLease() {
    if (!timer) {
      await beat();
      timer = setInterval(() => void beat().catch(() => undefined), Math.max(50, Math.floor(deps.leaseMs / 3)));
      timer.unref();
    }
  }
  const leaseValid = () => Date.now() - heartbeatAt < (deps.leaseMs * 2) / 3;
  async function runAlive(id: string) {
    if (id === runId) return true;
    const run = await runs.findOne({ _id: id });
    return Boolean(run && run.heartbeatAt.getTime() > Date.now() - deps.leaseMs);
  }
  const setState = (entry: Pick<InvoiceMail, '_id' | 'state'>, $set: Partial<InvoiceMail>) => Mail.updateOne({ _id: entry._id, state: entry.state }, { $set }).setOptions(byKey);

  /** Claims a key: the entry to send under this run, or why not. */
  async function claim(target: MailTarget, to: string[]): Promise<InvoiceMail | 'held' | 'done'> {
    await ensureLease();
    const _id = invoiceMailKey(target);
    const fresh = { _id, tenantId: target.tenantId, invoiceId: target.invoiceId, accountId: target.accountId, kind: target.kind, step: target.step ?? null, userId: target.userId ?? null, state: 'claimed' as const, attempt: 1, runId, to, messageId: invoiceMessageId(_id), error: null, sentAt: null, createdAt: new Date() };
    try {
      await Mail.collection.insertOne(fresh as never);
      return fresh as InvoiceMail;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    const entry = await Mail.findOne({ _id }).setOptions(byKey).lean<InvoiceMail>();
    if (!entry || String(entry.tenantId) !== String(target.tenantId)) return 'done';
    return takeOver(entry);
  }

  /** An entry another run holds: left alone while that run lives; after, retried or made uncertain. */
  async function takeOver(entry: InvoiceMail): Promise<InvoiceMail | 'held' | 'done'> {
    if (entry.state !== 'claimed' && entry.state !== 'sending') return 'done';
    if (await runAlive(entry.runId)) return 'held';
    if (entry.state === 'sending') {
      await setState(entry, { state: 'uncertain', error: 'its process stopped while handing the message to the mail server: it may or may not have arrived; it is not sent again by a job' });
      return 'done';
    }
    // Claimed by a run that died before `sending`: the message never reached SMTP; the next attempt is claimed by an insert.
    const attempt = entry.attempt + 1;
    try {
      await attempts.insertOne({ _id: `${entry._id}#${attempt}`, runId, createdAt: new Date() });
    } catch (error) {
      if (isDuplicateKeyError(error)) return 'held';
      throw error;
    }
    await setState(entry, { runId, attempt });
    return { ...entry, runId, attempt };
  }

  async function sendClaimed(entry: InvoiceMail, render: () => Promise<InvoiceMessage | null>): Promise<DeliverOutcome> {
    let message: InvoiceMessage | null;
    try {
      message = await render();
    } catch (error) {
      await setState(entry, { state: 'failed', error: `could not be rendered: ${(error as Error).message}` });
      return 'failed';
    }
    if (!message) {
      await setState(entry, { state: 'skipped', error: 'nothing to send any more (paid, void or no address)' });
      return 'done';
    }
    // The fence: a run that may already look dead to others must not start handing messages over.
    if (!leaseValid()) return 'held';
    await setState(entry, { state: 'sending', to: message.to });
    const sending = { ...entry, state: 'sending' as const, to: message.to };
    try {
      await deps.send(entry.tenantId, entry.userId ?? null, { ...message, messageId: entry.messageId });
    } catch (error) {
      await setState(sending, { state: 'failed', error: (error as Error).message.slice(0, 500) });
      return 'failed';
    }
    const sentAt = new Date();
    await setState(sending, { state: 'sent', sentAt });
    await deps.log({ ...sending, state: 'sent', sentAt }, message.subject);
    return 'sent';
  }

  return {
    runId,
    /**
     * Sends the message of a key once: claims it, renders it (`null`: nothing to send, recorded as
     * skipped), marks it `sending`, hands it to SMTP, records `sent` and logs it on the timeline.
     */
    async deliver(target: MailTarget, to: string[], render: () => Promise<InvoiceMessage | null>): Promise<DeliverOutcome> {
      const claimed = await claim(target, to);
      if (typeof claimed === 'string') return claimed;
      return sendClaimed(claimed, render);
    },
    /** Records a key as skipped (a dunning step that passed while an earlier one, or none, was due). */
    async markSkipped(target: MailTarget, reason: string): Promise<void> {
      const _id = invoiceMailKey(target);
      try {
        await Mail.collection.insertOne({ _id, tenantId: target.tenantId, invoiceId: target.invoiceId, accountId: target.accountId, kind: target.kind, step: target.step ?? null, state: 'skipped', attempt: 0, runId, to: [], messageId: invoiceMessageId(_id), error: reason, sentAt: null, createdAt: new Date() } as never);
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    },
    /** The ledger entries of an invoice (its send and its reminders). */
    entriesOf: (tenantId: Types.ObjectId, invoiceId: Types.ObjectId) => Mail.find({ tenantId, invoiceId }).lean<InvoiceMail[]>(),
    /**
     * Settles entries left by dead runs: `claimed` ones are sent by this run (`resend` renders them),
     * `sending` ones become `uncertain`. Answers how many are still held by live runs.
     */
    async reconcile(resend: (entry: InvoiceMail) => Promise<InvoiceMessage | null>): Promise<{ held: number; resent: number; uncertain: number }> {
      await ensureLease();
      let held = 0;
      let resent = 0;
      let uncertain = 0;
      for (const state of ['claimed', 'sending'] as const) {
        const open = await Mail.find({ state }).setOptions({ crossTenant: 'the reconciliation visits every agency\'s unfinished invoice mail' }).limit(10_000).lean<InvoiceMail[]>();
        for (const entry of open) {
          if (entry.runId === runId) continue;
          const taken = await takeOver(entry);
          if (taken === 'held') held += 1;
          else if (taken === 'done') uncertain += state === 'sending' ? 1 : 0;
          else if ((await sendClaimed(taken, () => resend(taken))) === 'sent') resent += 1;
        }
      }
      return { held, resent, uncertain };
    },
    /** The agency's entries left `uncertain` by a crash (the mail server may or may not have them), oldest first. */
    uncertain: (tenantId: Types.ObjectId) => Mail.find({ tenantId, state: 'uncertain' }).limit(1000).lean<InvoiceMail[]>().then((list) => list.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())),
    /**
     * Sends the agency's uncertain entries once more (an operator's decision that a possible second copy
     * is better than none), with the same Message-ID. The claim is the insert of the resend's attempt
     * (`<key>#resend:<attempt>`), so each uncertain attempt is resent at most once however often or from
     * how many processes this is called; the resend then follows the ledger's usual path (`sending`,
     * `sent` or `failed`, and `uncertain` again only if this process dies while handing it over).
     * `keys` limits it to those entries. Answers the keys resent and what became of each.
     */
    async resendUncertain(tenantId: Types.ObjectId, keys: string[] | null, render: (entry: InvoiceMail) => Promise<InvoiceMessage | null>): Promise<{ key: string; outcome: DeliverOutcome }[]> {
      await ensureLease();
      const wanted = keys ? new Set(keys) : null;
      const results: { key: string; outcome: DeliverOutcome }[] = [];
      for (const entry of await Mail.find({ tenantId, state: 'uncertain' }).limit(1000).lean<InvoiceMail[]>()) {
        if (wanted && !wanted.has(entry._id)) continue;
        const attempt = entry.attempt + 1;
        try {
          await attempts.insertOne({ _id: `${entry._id}#resend:${attempt}`, runId, createdAt: new Date() });
        } catch (error) {
          if (isDuplicateKeyError(error)) continue;
          throw error;
        }
        const claimed = { ...entry, state: 'claimed' as const, runId, attempt, error: null };
        await setState(entry, { state: 'claimed', runId, attempt, error: null });
        results.push({ key: entry._id, outcome: await sendClaimed(claimed, () => render(claimed)) });
      }
      return results;
    },
    /** Ends this run's lease (a run that ends cleanly holds nothing). */
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await runs.deleteOne({ _id: runId });
    },
  };
}

export type InvoiceMailer = ReturnType<typeof createInvoiceMail>;
