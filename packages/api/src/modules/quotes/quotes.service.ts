import { Types, type Connection } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events.js';
import { currencyExponent, scaledText, type Totals } from '../../platform/money/money.js';
import { iso } from '../../platform/records/dto.js';
import { readRecordsById } from '../../platform/records/records-by-id.js';
import { writeStoredVersion } from '../../platform/records/version-claims.js';
import type { WorkflowEngine } from '../../platform/workflow/workflow-engine.js';
import { userModel } from '../identity/user.model.js';
import type { PriceBooksService } from '../price-books/price-books.service.js';
import { priceLines, type PricingLineInput } from '../price-books/pricing.js';
import { compileHtml, compileText, defaultQuoteTexts, quoteNumber, quoteTemplateData, renderQuotePdf, type QuoteTexts } from './quote-document.js';
import { quoteModel, quoteRevisionModel, quoteSettingsModel, type Quote, type QuoteLine } from './quote.model.js';

type LineInput = PricingLineInput;
type OpportunityLike = { _id: Types.ObjectId; name: string; currency?: string | null; customerId?: Types.ObjectId | null };
type AccountLike = { name?: string | null; companyName?: string | null };

/** What quotes need from the rest of the CRM; each check goes through that record's own service (and so the access module). */
export interface QuoteDeps {
  events: EventBus;
  workflows: WorkflowEngine;
  priceBooks: PriceBooksService;
  opportunity: (principal: Principal, id: string, action: 'read' | 'update') => Promise<OpportunityLike>;
  /** Which of these opportunities the caller may read, in one batch (the opportunity service's `visibleIds`). */
  visibleOpportunityIds: (principal: Principal, ids: readonly Types.ObjectId[]) => Promise<Set<string>>;
  account: (principal: Principal, id: string) => Promise<AccountLike>;
  /** Sends through the sending user's own mailbox (per-user SMTP), attachments included. */
  sendAs: (tenantId: Types.ObjectId, userId: Types.ObjectId, message: { to: string[]; subject: string; text: string; html: string; attachments: { filename: string; content: Buffer; contentType: string }[] }) => Promise<{ messageId: string }>;
  /** Logs the send on the opportunity's timeline. */
  logActivity: (principal: Principal, input: Record<string, unknown>) => Promise<unknown>;
  /** The signed, single-use link the customer accepts or rejects this revision by (modules/orders), put in the email. */
  acceptUrl?: (quote: Quote) => string;
}

const WORKFLOW = 'quote';
const day = (d: Date) => d.toISOString().slice(0, 10);
const startOfDay = (text: string) => new Date(`${text}T00:00:00.000Z`);

function totalsDto(currency: string, lines: QuoteLine[], totals: Omit<Totals, 'lines'>) {
  return {
    currency,
    exponent: currencyExponent(currency),
    lines: lines.map((l) => ({ ...l, serviceId: String(l.serviceId), specId: String(l.specId), quantity: scaledText(l.quantityMilli, 3) })),
    gross: totals.gross,
    discountTotal: totals.discountTotal,
    subtotal: totals.subtotal,
    taxes: totals.taxes.map((t) => ({ rateBp: t.rateBp, base: t.base, amount: t.amount })),
    taxTotal: totals.taxTotal,
    total: totals.total,
  };
}

/** The public shape of a quote. */
export function toQuoteDto(q: Quote) {
  return {
    id: String(q._id),
    number: quoteNumber(q),
    opportunityId: String(q.opportunityId),
    accountId: q.accountId ? String(q.accountId) : null,
    title: q.title,
    status: q.status,
    revision: q.revision,
    validUntil: day(new Date(q.validUntil)),
    notes: q.notes ?? null,
    sentRevision: q.sentRevision ?? null,
    sentAt: iso(q.sentAt),
    ...totalsDto(q.currency, q.lines, q),
    version: q.version ?? 0,
    createdAt: iso(q.createdAt) ?? '',
    updatedAt: iso(q.updatedAt) ?? '',
  };
}

const templateVariables = ['number', 'title', 'revision', 'currency', 'total', 'subtotal', 'validUntil', 'customerName', 'companyName', 'senderName', 'acceptUrl'];

/**
 * Quotes on opportunities (issue 21): lines priced by the price book resolver, totals in integer minor
 * units computed here only, a status workflow that is tenant data, revisions, the PDF, and the send
 * through the rep's own SMTP, once per revision, logged on the opportunity's timeline.
 */
export function createQuotesService(connection: Connection, deps: QuoteDeps) {
  const Quote = quoteModel(connection);
  const Revision = quoteRevisionModel(connection);
  const Settings = quoteSettingsModel(connection);
  const User = userModel(connection);

  const priceFor = (principal: Principal, input: Parameters<typeof priceLines>[2]) => priceLines(deps.priceBooks, principal, input);

  async function findVisible(principal: Principal, id: string, action: 'read' | 'update'): Promise<Quote> {
    const quote = await Quote.findOne({ tenantId: principal.tenantId, _id: new Types.ObjectId(id) }).lean<Quote>();
    if (!quote) throw AppError.notFound('Quote');
    try {
      await deps.opportunity(principal, String(quote.opportunityId), action);
    } catch (error) {
      // A quote of an opportunity the caller may not see does not exist for them.
      if (error instanceof AppError && error.code === 'not_found') throw AppError.notFound('Quote');
      throw error;
    }
    return quote;
  }

  async function settingsOf(tenantId: Types.ObjectId) {
    const stored = await Settings.findOne({ tenantId, scope: 'quote' }).lean();
    return {
      companyName: stored?.companyName ?? null,
      accentColor: stored?.accentColor ?? '#1f4e79',
      introTemplate: stored?.introTemplate ?? defaultQuoteTexts.introTemplate,
      termsTemplate: stored?.termsTemplate ?? defaultQuoteTexts.termsTemplate,
      emailSubjectTemplate: stored?.emailSubjectTemplate ?? defaultQuoteTexts.emailSubjectTemplate,
      emailBodyTemplate: stored?.emailBodyTemplate ?? defaultQuoteTexts.emailBodyTemplate,
    };
  }

  async function documentData(principal: Principal, quote: Quote, locale: string) {
    const settings = await settingsOf(principal.tenantId);
    const account = quote.accountId ? await deps.account(principal, String(quote.accountId)).catch(() => null) : null;
    const sender = await User.findOne({ tenantId: principal.tenantId, _id: principal.userId }).select('name').lean();
    const data = quoteTemplateData(quote, { customerName: account?.name ?? account?.companyName ?? 'customer', companyName: settings.companyName ?? '', senderName: sender?.name ?? '', locale });
    return { settings, data };
  }

  async function transitionTo(principal: Principal, quote: Quote, to: string, note?: string, extra: Record<string, unknown> = {}) {
    await deps.workflows.assertTransition(principal, WORKFLOW, quote.status, to);
    // A version claim, not a conditional update: FerretDB's are not compare-and-set (packages/api/README.md).
    const saved = await writeStoredVersion(Quote, quote, { $set: { status: to, ...extra } });
    if (!saved) throw new AppError('version_conflict', 'The quote was changed meanwhile; read it again');
    await deps.workflows.record({ principal, tenantId: principal.tenantId, key: WORKFLOW, resource: 'quote', recordId: quote._id, from: quote.status, to, note: note ?? null });
    await publish(principal, 'transitioned', saved, { from: quote.status, to });
    return saved;
  }

  async function publish(principal: Principal, type: string, quote: Quote, extra: Record<string, unknown> = {}) {
    await deps.events.publish({
      type: `quote.${type}`,
      tenantId: principal.tenantId,
      resource: 'quote',
      resourceId: String(quote._id),
      actor: { tenantId: principal.tenantId, userId: principal.userId, apiKeyId: principal.apiKeyId },
      record: { ...toQuoteDto(quote), ...extra },
    } as never);
  }

  async function isFinal(tenantId: Types.ObjectId, status: string) {
    const workflow = await deps.workflows.get(tenantId, WORKFLOW);
    return workflow.states.find((s) => s.key === status)?.final ?? false;
  }

  return {
    /** Prices lines for an opportunity without saving anything: the editor's live totals. */
    async preview(principal: Principal, input: { opportunityId: string; currency?: string | undefined; lines: LineInput[] }) {
      const opportunity = await deps.opportunity(principal, input.opportunityId, 'read');
      const currency = input.currency ?? opportunity.currency ?? 'EUR';
      const priced = await priceFor(principal, { accountId: opportunity.customerId ?? null, currency, date: day(new Date()), lines: input.lines });
      return totalsDto(currency, priced.lines, priced.totals);
    },

    async create(principal: Principal, input: { opportunityId: string; title?: string | undefined; currency?: string | undefined; validUntil: string; notes?: string | null | undefined; lines: LineInput[] }) {
      const opportunity = await deps.opportunity(principal, input.opportunityId, 'update');
      const currency = input.currency ?? opportunity.currency ?? 'EUR';
      const today = day(new Date());
      if (input.validUntil < today) throw AppError.invalidField('validUntil', 'must be today or later');
      const priced = await priceFor(principal, { accountId: opportunity.customerId ?? null, currency, date: today, lines: input.lines });
      const created = await Quote.create({
        tenantId: principal.tenantId,
        opportunityId: opportunity._id,
        accountId: opportunity.customerId ?? null,
        title: input.title ?? opportunity.name,
        currency,
        status: await deps.workflows.initialState(principal.tenantId, WORKFLOW),
        revision: 1,
        validUntil: startOfDay(input.validUntil),
        priceDate: startOfDay(today),
        lines: priced.lines,
        notes: input.notes ?? null,
        ...priced.totals,
        createdBy: principal.userId,
      });
      const quote = created.toObject() as Quote;
      await publish(principal, 'created', quote);
      return toQuoteDto(quote);
    },

    async get(principal: Principal, id: string) {
      return toQuoteDto(await findVisible(principal, id, 'read'));
    },

    /**
     * Which of these quotes the caller may read, as `get` decides (its opportunity's visibility), in one
     * batch: the quotes by id, then their opportunities through the opportunity service's `visibleIds` (on
     * FerretDB, reads by `_id` sent at once: records-by-id.ts). For a page of quote threads in the inbox.
     */
    async visibleIds(principal: Principal, ids: readonly Types.ObjectId[]): Promise<Set<string>> {
      const unique = [...new Map(ids.map((id) => [id.toHexString(), id])).values()];
      const quotes = ((await readRecordsById(Quote as never, principal.tenantId, unique)) as Array<Quote | null>).filter((q): q is Quote => q !== null);
      const opportunityIds = [...new Map(quotes.map((q) => [String(q.opportunityId), q.opportunityId])).values()];
      const visible = await deps.visibleOpportunityIds(principal, opportunityIds);
      return new Set(quotes.filter((q) => visible.has(String(q.opportunityId))).map((q) => String(q._id)));
    },

    /** The quotes of one opportunity, newest first (an opportunity has a handful). */
    async listForOpportunity(principal: Principal, opportunityId: string) {
      const opportunity = await deps.opportunity(principal, opportunityId, 'read');
      const quotes = await Quote.find({ tenantId: principal.tenantId, opportunityId: opportunity._id }).limit(200).lean<Quote[]>();
      quotes.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
      return { object: 'list' as const, data: quotes.map(toQuoteDto), hasMore: false, nextCursor: null };
    },

    /** Edits a draft; editing a sent quote makes the next revision and moves it back to draft. */
    async update(principal: Principal, id: string, input: { title?: string | undefined; validUntil?: string | undefined; notes?: string | null | undefined; lines?: LineInput[] | undefined }, ifMatch?: number) {
      let quote = await findVisible(principal, id, 'update');
      if (ifMatch !== undefined && ifMatch !== quote.version) throw new AppError('precondition_failed', `The quote is at version ${quote.version}, not ${ifMatch}`, { extensions: { current: toQuoteDto(quote) } });
      if (await isFinal(principal.tenantId, quote.status)) throw new AppError('conflict', `A quote in status '${quote.status}' cannot change; make a new quote`);
      const today = day(new Date());
      if (input.validUntil !== undefined && input.validUntil < today) throw AppError.invalidField('validUntil', 'must be today or later');
      const $set: Record<string, unknown> = {};
      if (input.title !== undefined) $set.title = input.title;
      if (input.validUntil !== undefined) $set.validUntil = startOfDay(input.validUntil);
      if (input.notes !== undefined) $set.notes = input.notes;
      if (input.lines) {
        const priced = await priceFor(principal, { accountId: quote.accountId, currency: quote.currency, date: today, lines: input.lines });
        Object.assign($set, { lines: priced.lines, priceDate: startOfDay(today), ...priced.totals });
      }
      if (quote.status !== 'draft' && quote.sentRevision === quote.revision) {
        quote = await transitionTo(principal, quote, 'draft', `revision ${quote.revision + 1}`);
        $set.revision = quote.revision + 1;
      }
      const saved = await writeStoredVersion(Quote, quote, { $set });
      if (!saved) throw new AppError('version_conflict', 'The quote was changed meanwhile; read it again');
      await publish(principal, 'updated', saved);
      return toQuoteDto(saved);
    },

    async transition(principal: Principal, id: string, to: string, note?: string) {
      const quote = await findVisible(principal, id, 'update');
      if (to === 'sent') throw AppError.invalidField('to', "is reached by sending the quote (POST /v1/quotes/{id}/send), which records what the customer got");
      return toQuoteDto(await transitionTo(principal, quote, to, note));
    },

    async pdf(principal: Principal, id: string, locale = 'en') {
      const quote = await findVisible(principal, id, 'read');
      const { settings, data } = await documentData(principal, quote, locale);
      return { filename: `${data.number}.pdf`, content: await renderQuotePdf(quote, settings, data, locale) };
    },

    /**
     * Sends the current revision with its PDF through the rep's own SMTP, once: the revision's ledger
     * entry (unique per quote and revision) is written before the message, so a second click, a retry
     * or a second server answers 409 instead of mailing the customer twice.
     */
    async send(principal: Principal, id: string, input: { to: string[]; locale?: 'en' | 'de' | undefined }) {
      const quote = await findVisible(principal, id, 'update');
      if (quote.status !== 'draft') throw new AppError('conflict', `Only a draft is sent; this quote is '${quote.status}'. Edit it to make revision ${quote.revision + 1}.`);
      if (day(new Date(quote.validUntil)) < day(new Date())) throw AppError.invalidField('validUntil', 'has passed; set a new validity day before sending');
      await deps.workflows.assertTransition(principal, WORKFLOW, quote.status, 'sent');
      const locale = input.locale ?? 'en';
      const { settings, data } = await documentData(principal, quote, locale);
      try {
        await Revision.create({ tenantId: principal.tenantId, quoteId: quote._id, revision: quote.revision, state: 'sending', to: input.to, snapshot: toQuoteDto(quote), sentBy: principal.userId });
      } catch (error) {
        if (isDuplicateKeyError(error)) throw new AppError('conflict', `Revision ${quote.revision} of this quote was already sent`);
        throw error;
      }
      let messageId: string;
      try {
        const pdf = await renderQuotePdf(quote, settings, data, locale);
        // The accept/reject link: where the agency's template does not place {{acceptUrl}}, it closes the email.
        const acceptUrl = deps.acceptUrl?.(quote) ?? '';
        const body = acceptUrl && !settings.emailBodyTemplate.includes('acceptUrl') ? `${settings.emailBodyTemplate}\n\n${locale === 'de' ? 'Angebot online annehmen oder ablehnen' : 'Accept or decline online'}: {{acceptUrl}}` : settings.emailBodyTemplate;
        const mailData = { ...data, acceptUrl };
        const sent = await deps.sendAs(principal.tenantId, principal.userId, {
          to: input.to,
          subject: compileText(settings.emailSubjectTemplate)(mailData).replace(/[\r\n]+/g, ' '),
          text: compileText(body)(mailData),
          html: compileHtml(body)(mailData),
          attachments: [{ filename: `${data.number}.pdf`, content: pdf, contentType: 'application/pdf' }],
        });
        messageId = sent.messageId;
      } catch (error) {
        // Not sent: free the revision so the rep can try again.
        await Revision.deleteOne({ tenantId: principal.tenantId, quoteId: quote._id, revision: quote.revision, state: 'sending' });
        if (error instanceof AppError) throw error;
        throw new AppError('unavailable', `The quote could not be sent through your mailbox: ${(error as Error).message}`, { cause: error });
      }
      const sentAt = new Date();
      await Revision.updateOne({ tenantId: principal.tenantId, quoteId: quote._id, revision: quote.revision }, { $set: { state: 'sent', messageId, sentAt } });
      const saved = await transitionTo(principal, quote, 'sent', `revision ${quote.revision} to ${input.to.join(', ')}`, { sentRevision: quote.revision, sentAt });
      await deps.logActivity(principal, {
        type: 'email',
        title: `Quote ${data.number} sent`,
        body: `${data.number} (${data.total}) sent to ${input.to.join(', ')} with the PDF attached.`,
        subject: { type: 'opportunity', id: String(quote.opportunityId) },
        direction: 'outbound',
        occurredAt: sentAt.toISOString(),
      });
      return toQuoteDto(saved);
    },

    async getSettings(principal: Principal) {
      return { ...(await settingsOf(principal.tenantId)), variables: templateVariables };
    },

    /** Saves the agency's quote texts; each template must compile and render with sample values. */
    async putSettings(principal: Principal, input: Partial<QuoteTexts> & { companyName?: string | null | undefined; accentColor?: string | undefined }) {
      const sample = Object.fromEntries(templateVariables.map((v) => [v, v]));
      for (const field of ['introTemplate', 'termsTemplate', 'emailSubjectTemplate', 'emailBodyTemplate'] as const) {
        const source = input[field];
        if (source === undefined) continue;
        try {
          compileText(source)(sample);
        } catch (error) {
          throw AppError.invalidField(field, `is not a valid template: ${(error as Error).message.split('\n')[0]}`, 'template');
        }
      }
      const $set = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
      await Settings.updateOne({ tenantId: principal.tenantId, scope: 'quote' }, { $set }, { upsert: true }).catch((error: unknown) => {
        // Two first saves may race to create the document; the unique index keeps one, so save into it.
        if (!isDuplicateKeyError(error)) throw error;
        return Settings.updateOne({ tenantId: principal.tenantId, scope: 'quote' }, { $set });
      });
      return { ...(await settingsOf(principal.tenantId)), variables: templateVariables };
    },
  };
}

export type QuotesService = ReturnType<typeof createQuotesService>;
