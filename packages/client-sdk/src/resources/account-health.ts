import type { OperationQuery, Schema } from '../core/api-types.js';
import { path } from '../core/path.js';
import { requestPage, type PagePromise } from '../core/pagination.js';
import type { RequestOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';

/** An account's week: activities, orders, tickets, late invoices, the trailing average and the flags raised. */
export type AccountSnapshot = Schema<'AccountSnapshot'>;
/** The query of `crm.accountHealth.week`. */
export type AccountSnapshotListParams = OperationQuery<'listAccountSnapshots'>;
/** The query of `crm.accountHealth.history`. */
export type AccountHealthHistoryParams = OperationQuery<'listAccountHealthHistory'>;
/** What `crm.accountHealth.run` did. */
export type AccountHealthRun = Schema<'AccountHealthRun'>;
/** The body of `crm.accountHealth.run`. */
export type AccountHealthRunParams = Schema<'AccountHealthRunInput'>;

/**
 * Account behaviour tracking (`crm.accountHealth`): the weekly snapshots of every account and the flags
 * (drop in activity, late payment) the account manager was told about.
 *
 * @example
 * for await (const s of crm.accountHealth.week({ flagged: 'true' })) console.log(s.accountId, s.flags);
 */
export class AccountHealth extends APIResource {
  /** A week's snapshots (default: last week). */
  week(params?: AccountSnapshotListParams, options?: RequestOptions): PagePromise<AccountSnapshot> {
    return requestPage<AccountSnapshot>(this._transport, '/v1/account-health', params, options);
  }

  /** One account's weekly history, newest first. */
  history(accountId: string, params?: AccountHealthHistoryParams, options?: RequestOptions): PagePromise<AccountSnapshot> {
    return requestPage<AccountSnapshot>(this._transport, path`/v1/customers/${accountId}/health`, params, options);
  }

  /** Runs the weekly job for your agency now; nothing is flagged or notified twice. */
  run(params: AccountHealthRunParams = {}, options?: RequestOptions): Promise<AccountHealthRun> {
    return this._transport.post<AccountHealthRun>('/v1/account-health/runs', params, options);
  }
}
