import type { OperationQuery, Schema } from '../core/api-types.js';
import { CrudResource } from '../core/crud-resource.js';
import type { ListParams } from '../core/pagination.js';
import type { RequestOptions } from '../core/request-options.js';
import { path } from '../core/path.js';

/** A target (quota) for a metric, period and subject (a user, team, product or the agency). */
export type Target = Schema<'Target'>;
/** The body of `crm.targets.create`. */
export type TargetCreateParams = Schema<'CreateTarget'>;
/** The body of `crm.targets.update`: the new value. */
export type TargetUpdateParams = Schema<'UpdateTarget'>;
/** The query of `crm.targets.list`: metric, period, periodStart, dimension, key, paging. */
export type TargetListParams = OperationQuery<'listTargets'> & ListParams;
/** The query of `crm.targets.attainment` (without `periodStart`, the current period on the agency's calendar). */
export type AttainmentParams = OperationQuery<'getTargetAttainment'>;
/** Target, actual, attainment (actual ÷ target) and a person's share of their team. */
export type Attainment = Schema<'Attainment'>;

/**
 * Targets, set by someone above the subject (`crm.targets`), and how far each is reached.
 *
 * @example
 * await crm.targets.create({ metric: 'deals.won.amount', period: 'month', periodStart: '2026-12-01', dimension: 'owner', key: repId, value: 50000 });
 * const { attainment } = await crm.targets.attainment({ metric: 'deals.won.amount', period: 'month', periodStart: '2026-12-01', dimension: 'owner', key: repId });
 */
export class Targets extends CrudResource<Target, TargetCreateParams, TargetUpdateParams, TargetListParams> {
  protected readonly resource = 'targets';

  /** Removes a target (the same as `remove`). */
  delete(id: string, options?: RequestOptions): Promise<void> {
    return this._transport.delete(path`/v1/targets/${id}`, options);
  }

  /** The actual for the period from the roll-ups, the target, and their ratio. */
  attainment(params: AttainmentParams, options?: RequestOptions): Promise<Attainment> {
    return this._transport.get<Attainment>('/v1/targets/attainment', params, options);
  }
}
