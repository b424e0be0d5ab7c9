import type { Types } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { idParams } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { ifMatchVersion } from '../../platform/records/record-routes.js';
import { currencyExponent } from '../../platform/money/money.js';
import { accountCreditSchema, creditRuleBody, creditRuleSchema, creditRunSchema } from './credit.schema.js';
import type { CreditService } from './credit.service.js';

type Account = { _id: Types.ObjectId; finance?: { currency?: string | null; creditLimit?: number | null } | null };

/** The credit rule (admins) and an account's credit with how it was reached (issue 21 item 5). */
export function creditRoutes(credit: CreditService, deps: { account: (principal: Principal, id: string, action: 'read' | 'update') => Promise<Account>; exposure: (tenantId: Types.ObjectId, accountId: Types.ObjectId, currency: string) => Promise<number> }): RouteSpec[] {
  const tags = ['Credit'];
  async function view(principal: Principal, account: Account) {
    const limit = await credit.limitFor(principal.tenantId, account);
    const summary = await credit.summary(principal.tenantId, account._id);
    const exposure = await deps.exposure(principal.tenantId, account._id, limit.currency);
    return {
      accountId: String(account._id),
      currency: limit.currency,
      exponent: currencyExponent(limit.currency),
      source: limit.source,
      limitMinor: limit.limitMinor,
      exposureMinor: exposure,
      availableMinor: limit.limitMinor === null ? null : limit.limitMinor - exposure,
      calculatedMinor: summary?.calculatedMinor ?? null,
      inputs: summary?.inputs ?? null,
      calculatedAt: summary?.calculatedAt ? new Date(summary.calculatedAt).toISOString() : null,
      purchases: {
        productIds: (summary?.productIds ?? []).map(String),
        lastOrderAt: summary?.lastOrderAt ? new Date(summary.lastOrderAt).toISOString() : null,
        orderCount: summary?.orderCount ?? 0,
        revenue: (summary?.revenue ?? []).map((r) => ({ month: r.month, currency: r.currency, amount: r.amount })),
      },
    };
  }
  return [
    defineRoute({
      method: 'get', path: '/credit/rule', operationId: 'getCreditRule', summary: "The agency's credit limit rule", description: 'Defaults (disabled) until an admin saves one.', tags,
      access: access.permission('order', 'read'),
      success: { status: 200, description: 'The rule', schema: creditRuleSchema },
      handler: ({ req }) => credit.rule(req.principal!.tenantId),
    }),
    defineRoute({
      method: 'put', path: '/credit/rule', operationId: 'putCreditRule', summary: "Set the agency's credit limit rule",
      description: 'limit = (base + spend over the window × share) × the payment-behaviour band\'s multiplier (× the overdue multiplier while an invoice is overdue), at most the band\'s cap, between floor and ceiling. A manual `finance.creditLimit` on an account wins. Takes effect for each account at its next recalculation (nightly, or POST /customers/{id}/credit/recalculate). `If-Match: <version>` makes it conditional.',
      tags, access: access.permission('tenant', 'update'), body: creditRuleBody, ifMatch: 'optional',
      success: { status: 200, description: 'The rule', schema: creditRuleSchema },
      errors: [409, 412],
      handler: ({ body, req }) => credit.putRule(req.principal!.tenantId, body, ifMatchVersion(req)),
    }),
    defineRoute({
      method: 'get', path: '/customers/{id}/credit', operationId: 'getAccountCredit', summary: "An account's credit limit, exposure and how the limit was reached", tags,
      access: access.permission('order', 'read'), params: idParams,
      success: { status: 200, description: 'The credit', schema: accountCreditSchema },
      errors: [404],
      handler: async ({ params, req }) => view(req.principal!, await deps.account(req.principal!, params.id, 'read')),
    }),
    defineRoute({
      method: 'post', path: '/customers/{id}/credit/recalculate', operationId: 'recalculateAccountCredit', summary: "Recalculate one account's credit limit and purchase summary now", tags,
      access: access.permission('order', 'update'), params: idParams,
      success: { status: 200, description: 'The credit', schema: accountCreditSchema },
      errors: [404],
      handler: async ({ params, req }) => {
        const account = await deps.account(req.principal!, params.id, 'read');
        await credit.recalculateAccount(req.principal!.tenantId, account._id);
        return view(req.principal!, account);
      },
    }),
    defineRoute({
      method: 'post', path: '/credit/recalculate', operationId: 'recalculateCredit', summary: "Recalculate every account's credit limit and purchase summary now", description: 'What the nightly job does, for the caller\'s agency.', tags,
      access: access.permission('tenant', 'update'),
      success: { status: 200, description: 'How many accounts', schema: creditRunSchema },
      handler: ({ req }) => credit.recalculateTenant(req.principal!.tenantId),
    }),
  ];
}
