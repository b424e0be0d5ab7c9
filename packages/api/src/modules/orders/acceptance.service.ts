import { Types, type Connection } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import type { CustomerPrincipal } from '../../platform/auth/customer-guard.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events.js';
import { currencyExponent, scaledText } from '../../platform/money/money.js';
import { iso } from '../../platform/records/dto.js';
import { writeStoredVersion } from '../../platform/records/version-claims.js';
import type { WorkflowEngine } from '../../platform/workflow/workflow-engine.js';
import { tenantModel } from '../identity/tenant.model.js';
import { quoteModel, quoteRevisionModel, type Quote } from '../quotes/quote.model.js';
import { toQuoteDto } from '../quotes/quotes.service.js';
import { quoteDecisionModel, quoteLinkUseModel, type QuoteDecision } from './order.model.js';
import { toOrderDto, type OrdersService } from './orders.service.js';
import type { QuoteLinkSigner } from './quote-link.js';

type OpportunityLike = { _id: Types.ObjectId; version: number; pipelineId: Types.ObjectId; amount?: number | null; currency?: string | null; stageKind?: string | null };

export interface AcceptanceDeps {
  events: EventBus;
  workflows: WorkflowEngine;
  orders: OrdersService;
  signer: QuoteLinkSigner;
  /** The agent a customer's decision acts for (the rep who sent the quote), resolved like a signed-in user. */
  principalFor: (tenantId: Types.ObjectId, userId: Types.ObjectId) => Promise<Principal | null>;
  opportunities: {
    findVisible: (principal: Principal, id: string, action: 'read' | 'update') => Promise<unknown>;
    update: (principal: Principal, id: string, patch: Record<string, unknown>) => Promise<unknown>;
    move: (principal: Principal, id: string, input: { stage: string; version: number; outcome?: 'won' | 'partially_won' }) => Promise<unknown>;
  };
  /** The key of the pipeline's won stage (kind `won`), or null when it has none. */
  wonStage: (principal: Principal, pipelineId: string) => Promise<string | null>;
  /** The quote's PDF as modules/quotes renders it (the agency's branding and texts). */
  quotePdf: (principal: Principal, id: string, locale: 'en' | 'de') => Promise<{ filename: string; content: Buffer }>;
}

type Who = { by: QuoteDecision['by']; customerUserId: Types.ObjectId | null; userId: Types.ObjectId | null; name: string | null };
type DecisionInput = { poNumber?: string | null | undefined; reason?: string | null | undefined; name?: string | null | undefined };

const day = (d: Date) => d.toISOString().slice(0, 10);
const WORKFLOW = 'quote';

function decisionDto(d: QuoteDecision) {
  return { decision: d.decision, by: d.by, name: d.name ?? null, revision: d.revision, total: d.total, currency: d.currency, reason: d.reason ?? null, poNumber: d.poNumber ?? null, at: iso(d.at) ?? '' };
}

/** What a customer sees of a quote: what was sent to them, never the rep's notes or internal ids. */
export function toPortalQuoteDto(q: Quote, decision: QuoteDecision | null) {
  const full = toQuoteDto(q);
  const today = day(new Date());
  return {
    id: full.id,
    number: full.number,
    title: full.title,
    status: full.status,
    revision: full.revision,
    validUntil: full.validUntil,
    sentAt: full.sentAt,
    currency: full.currency,
    exponent: full.exponent,
    lines: full.lines.map((l) => ({ description: l.description, unit: l.unit, quantity: l.quantity, unitPrice: l.unitPrice, discountBp: l.discountBp, taxRateBp: l.taxRateBp, net: l.net })),
    subtotal: full.subtotal,
    taxes: full.taxes,
    taxTotal: full.taxTotal,
    total: full.total,
    /** True while the customer may still accept or reject it. */
    decidable: q.status === 'sent' && q.sentRevision === q.revision && full.validUntil >= today && !decision,
    decision: decision ? decisionDto(decision) : null,
  };
}

/**
 * Acceptance and rejection of sent quotes (issue 21): by the signed-in customer on the portal, by the
 * signed single-use link in the quote email, or recorded by an agent (an acceptance by phone). Only the
 * latest sent revision, before its validity ends, can be decided, once: the decision is a unique insert
 * per quote, so two acceptances at the same moment make one decision and one order. An acceptance
 * creates the order (through the credit gate) and moves the opportunity to won with the accepted amount.
 */
export function createAcceptanceService(connection: Connection, deps: AcceptanceDeps) {
  const Quote = quoteModel(connection);
  const Revision = quoteRevisionModel(connection);
  const Decision = quoteDecisionModel(connection);
  const LinkUse = quoteLinkUseModel(connection);
  const Tenant = tenantModel(connection);

  /** The quote's opportunity to won (partially won when less than its amount), acting as `actor`; amounts in the opportunity are major units. */
  async function markWon(actor: Principal, quote: Quote) {
    const id = String(quote.opportunityId);
    const opportunity = (await deps.opportunities.findVisible(actor, id, 'update')) as OpportunityLike;
    if (opportunity.stageKind === 'won') return;
    const stage = await deps.wonStage(actor, String(opportunity.pipelineId));
    if (!stage) return;
    const accepted = Number(scaledText(quote.subtotal, currencyExponent(quote.currency)));
    const partial = (opportunity.currency ?? quote.currency) === quote.currency && (opportunity.amount ?? 0) > accepted;
    await deps.opportunities.update(actor, id, { amount: accepted, currency: quote.currency });
    // A rep moving the card at the same moment makes the move stale once; read it again and move it.
    for (let attempt = 0; ; attempt += 1) {
      const fresh = (await deps.opportunities.findVisible(actor, id, 'update')) as OpportunityLike;
      try {
        await deps.opportunities.move(actor, id, { stage, version: fresh.version, outcome: partial ? 'partially_won' : 'won' });
        return;
      } catch (error) {
        if (attempt > 0 || !(error instanceof AppError) || error.code !== 'version_conflict') throw error;
      }
    }
  }

  async function decide(tenantId: Types.ObjectId, quoteId: Types.ObjectId, decision: 'accepted' | 'rejected', who: Who, input: DecisionInput & { revision?: number; agent?: Principal; claimLink?: () => Promise<void> }) {
    const quote = await Quote.findOne({ tenantId, _id: quoteId }).lean<Quote>();
    if (!quote) throw AppError.notFound('Quote');
    const existing = await Decision.findOne({ tenantId, quoteId }).lean<QuoteDecision>();
    if (existing) throw new AppError('conflict', `This quote was already ${existing.decision} on ${day(existing.at)}`, { extensions: { reason: 'already_decided', decision: decisionDto(existing) } });
    if (quote.status !== 'sent' || quote.sentRevision !== quote.revision) {
      throw new AppError('conflict', `Only the latest sent revision of a quote can be ${decision}; this quote is '${quote.status}'`, { extensions: { reason: 'not_sent', status: quote.status } });
    }
    if (input.revision !== undefined && input.revision !== quote.revision) {
      throw new AppError('conflict', `Revision ${input.revision} is no longer current: revision ${quote.revision} was sent since; use its link`, { extensions: { reason: 'revision_superseded', revision: quote.revision } });
    }
    if (day(new Date(quote.validUntil)) < day(new Date())) throw new AppError('conflict', `This quote was valid until ${day(new Date(quote.validUntil))} and can no longer be ${decision}`, { extensions: { reason: 'expired' } });
    const workflow = input.agent ? await deps.workflows.assertTransition(input.agent, WORKFLOW, 'sent', decision) : await deps.workflows.get(tenantId, WORKFLOW);
    if (!input.agent && !workflow.transitions.some((t) => t.from === 'sent' && t.to === decision)) throw new AppError('invalid_transition', `The agency's quote workflow does not let a quote be ${decision}`);
    const sentBy = (await Revision.findOne({ tenantId, quoteId, revision: quote.revision }).select('sentBy').lean())?.sentBy ?? quote.createdBy;
    const actor = input.agent ?? (sentBy ? await deps.principalFor(tenantId, sentBy) : null);
    if (!actor) throw new AppError('unavailable', 'The quote cannot be decided online now: the person who sent it no longer works here; contact the agency');
    const poNumber = input.poNumber ?? null;
    if (decision === 'accepted') {
      if (!quote.accountId) throw new AppError('conflict', 'The quote is on an opportunity without an account; give the opportunity its account before the quote is accepted');
      await deps.orders.precheck(actor, quote.accountId, poNumber);
    }
    if (input.claimLink) await input.claimLink();
    const at = new Date();
    try {
      await Decision.create({ tenantId, quoteId, accountId: quote.accountId, revision: quote.revision, decision, ...who, reason: decision === 'rejected' ? (input.reason ?? null) : null, poNumber, total: quote.total, currency: quote.currency, at });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const other = await Decision.findOne({ tenantId, quoteId }).lean<QuoteDecision>();
      throw new AppError('conflict', `This quote was already ${other?.decision ?? 'decided'} a moment ago`, { extensions: { reason: 'already_decided', ...(other ? { decision: decisionDto(other) } : {}) } });
    }
    let order = null;
    if (decision === 'accepted') {
      try {
        order = await deps.orders.createFromQuote(actor, quote, { by: who.by, customerUserId: who.customerUserId, userId: who.userId, name: who.name, at, revision: quote.revision, total: quote.total }, poNumber);
      } catch (error) {
        // No order, no acceptance: the customer may try again (with the PO number the account needs, say).
        await Decision.deleteOne({ tenantId, quoteId });
        throw error;
      }
    }
    let saved = await writeStoredVersion(Quote, quote, { $set: { status: decision } });
    if (!saved) {
      const fresh = (await Quote.findOne({ tenantId, _id: quoteId }).lean<Quote>())!;
      saved = (await writeStoredVersion(Quote, fresh, { $set: { status: decision } })) ?? fresh;
    }
    const note = `${who.by === 'agent' ? 'recorded by an agent' : who.by === 'link' ? 'by the emailed link' : 'by the customer on the portal'}${input.reason ? `: ${input.reason}` : ''}`;
    await deps.workflows.record({ principal: input.agent ?? null, tenantId, key: WORKFLOW, resource: 'quote', recordId: quoteId, from: 'sent', to: decision, note });
    await deps.events.publish({
      type: 'quote.transitioned',
      tenantId,
      resource: 'quote',
      resourceId: String(quoteId),
      actor: input.agent ? { tenantId, userId: input.agent.userId, apiKeyId: input.agent.apiKeyId } : null,
      record: { ...toQuoteDto(saved), from: 'sent', to: decision, decidedBy: who.by },
    } as never);
    if (decision === 'accepted') await markWon(actor, saved);
    const stored = (await Decision.findOne({ tenantId, quoteId }).lean<QuoteDecision>())!;
    return { quote: toPortalQuoteDto(saved, stored), decision: decisionDto(stored), order: order ? toOrderDto(order) : null };
  }

  /** The accounts a customer's quotes come from: their own account and, for a case manager, the accounts below it. */
  function accountsOf(customer: CustomerPrincipal): Types.ObjectId[] {
    const ids = [...(customer.accountId ? [customer.accountId] : []), ...customer.accountIds];
    return ids.filter((id, i) => ids.findIndex((other) => other.equals(id)) === i);
  }

  async function customerQuote(customer: CustomerPrincipal, id: string): Promise<Quote> {
    const quote = await Quote.findOne({ tenantId: customer.tenantId, _id: new Types.ObjectId(id) }).lean<Quote>();
    if (!quote || !quote.accountId || quote.sentRevision === null || !accountsOf(customer).some((a) => a.equals(quote.accountId!))) throw AppError.notFound('Quote');
    return quote;
  }

  function verifiedLink(token: string) {
    const claims = deps.signer.verify(token);
    if (!claims) throw new AppError('not_found', 'This quote link is not valid; use the link from the latest email');
    return claims;
  }

  return {
    /** The quotes sent to the customer's account(s), newest first; drafts of a next revision are not shown until sent. */
    async listForCustomer(customer: CustomerPrincipal) {
      // One equality per account (pushed down on FerretDB; an $in is not).
      const rows: Quote[] = [];
      const decisions: QuoteDecision[] = [];
      for (const accountId of accountsOf(customer)) {
        rows.push(...(await Quote.find({ tenantId: customer.tenantId, accountId }).limit(500).lean<Quote[]>()));
        decisions.push(...(await Decision.find({ tenantId: customer.tenantId, accountId }).limit(500).lean<QuoteDecision[]>()));
      }
      const shown = rows.filter((q) => q.sentRevision !== null && q.status !== 'draft').sort((a, b) => (b.sentAt?.getTime() ?? 0) - (a.sentAt?.getTime() ?? 0));
      return { object: 'list' as const, data: shown.map((q) => toPortalQuoteDto(q, decisions.find((d) => d.quoteId.equals(q._id)) ?? null)), hasMore: false, nextCursor: null };
    },

    async getForCustomer(customer: CustomerPrincipal, id: string) {
      const quote = await customerQuote(customer, id);
      if (quote.status === 'draft') throw AppError.notFound('Quote');
      return toPortalQuoteDto(quote, await Decision.findOne({ tenantId: customer.tenantId, quoteId: quote._id }).lean<QuoteDecision>());
    },

    /** A quote sent to the customer's account as its PDF, rendered for the rep who sent it (their name signs it). */
    async pdfForCustomer(customer: CustomerPrincipal, id: string, locale: 'en' | 'de' = 'en') {
      const quote = await customerQuote(customer, id);
      if (quote.status === 'draft') throw AppError.notFound('Quote');
      const sentBy = (await Revision.findOne({ tenantId: customer.tenantId, quoteId: quote._id, revision: quote.revision }).select('sentBy').lean())?.sentBy ?? quote.createdBy;
      const actor = sentBy ? await deps.principalFor(customer.tenantId, sentBy) : null;
      if (!actor) throw new AppError('unavailable', 'The quote cannot be downloaded now: the person who sent it no longer works here; contact the agency');
      return deps.quotePdf(actor, id, locale);
    },

    async decideAsCustomer(customer: CustomerPrincipal, id: string, decision: 'accepted' | 'rejected', input: DecisionInput) {
      const quote = await customerQuote(customer, id);
      return decide(customer.tenantId, quote._id, decision, { by: 'customer', customerUserId: customer.customerUserId, userId: null, name: null }, input);
    },

    /** An agent records the customer's decision (on the phone, say); needs the right to update the opportunity. */
    async decideAsAgent(principal: Principal, id: string, decision: 'accepted' | 'rejected', input: DecisionInput) {
      const quote = await Quote.findOne({ tenantId: principal.tenantId, _id: new Types.ObjectId(id) }).lean<Quote>();
      if (!quote) throw AppError.notFound('Quote');
      try {
        await deps.opportunities.findVisible(principal, String(quote.opportunityId), 'update');
      } catch (error) {
        if (error instanceof AppError && error.code === 'not_found') throw AppError.notFound('Quote');
        throw error;
      }
      return decide(principal.tenantId, quote._id, decision, { by: 'agent', customerUserId: null, userId: principal.userId, name: input.name ?? null }, { ...input, agent: principal });
    },

    /** What the emailed link shows: the revision it names, and whether it can still be used. Reading it uses nothing up. */
    async viewLink(token: string) {
      const claims = verifiedLink(token);
      const quote = await Quote.findOne({ tenantId: claims.tenantId, _id: claims.quoteId }).lean<Quote>();
      if (!quote) throw new AppError('not_found', 'This quote link is not valid; use the link from the latest email');
      const [decision, used, tenant] = await Promise.all([
        Decision.findOne({ tenantId: claims.tenantId, quoteId: quote._id }).lean<QuoteDecision>(),
        LinkUse.findOne({ tenantId: claims.tenantId, linkId: claims.linkId }).lean(),
        Tenant.findById(claims.tenantId).select('name').setOptions({ crossTenant: 'a signed quote link names its agency' }).lean(),
      ]);
      const dto = toPortalQuoteDto(quote, decision);
      const expired = claims.expiresAt.getTime() <= Date.now();
      const superseded = quote.revision !== claims.revision;
      return { agency: tenant?.name ?? '', quote: dto, linkRevision: claims.revision, expiresAt: claims.expiresAt.toISOString(), used: Boolean(used), usable: dto.decidable && !used && !expired && !superseded };
    },

    /** Accepts or rejects by the emailed link, once: its use is a unique insert, so a second use (or a second tab) is refused. */
    async decideByLink(token: string, decision: 'accepted' | 'rejected', input: DecisionInput) {
      const claims = verifiedLink(token);
      const used = await LinkUse.findOne({ tenantId: claims.tenantId, linkId: claims.linkId }).lean();
      if (used) throw new AppError('conflict', `This link was already used on ${used.usedAt.toISOString().slice(0, 10)}; each link works once`, { extensions: { reason: 'link_used' } });
      if (claims.expiresAt.getTime() <= Date.now()) throw new AppError('conflict', `This link expired on ${claims.expiresAt.toISOString().slice(0, 10)}; ask the agency for a new quote`, { extensions: { reason: 'link_expired' } });
      const claimLink = async () => {
        try {
          await LinkUse.create({ tenantId: claims.tenantId, linkId: claims.linkId, quoteId: claims.quoteId, usedAt: new Date() });
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
          const use = await LinkUse.findOne({ tenantId: claims.tenantId, linkId: claims.linkId }).lean();
          throw new AppError('conflict', `This link was already used${use ? ` on ${use.usedAt.toISOString().slice(0, 10)}` : ''}; each link works once`, { extensions: { reason: 'link_used' } });
        }
      };
      try {
        return await decide(claims.tenantId, claims.quoteId, decision, { by: 'link', customerUserId: null, userId: null, name: input.name ?? null }, { ...input, revision: claims.revision, claimLink });
      } catch (error) {
        // A decision that did not happen (no order could be made, say) leaves the link usable again.
        if (!(error instanceof AppError && error.extensions.reason === 'link_used')) {
          const decided = await Decision.findOne({ tenantId: claims.tenantId, quoteId: claims.quoteId }).select('_id').lean();
          if (!decided) await LinkUse.deleteOne({ tenantId: claims.tenantId, linkId: claims.linkId });
        }
        throw error;
      }
    },
  };
}

export type AcceptanceService = ReturnType<typeof createAcceptanceService>;
