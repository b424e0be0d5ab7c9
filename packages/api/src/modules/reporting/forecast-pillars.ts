import { Types, type Connection } from 'mongoose';
import { op } from '../../platform/db/operators.js';
import { opportunityModel } from '../opportunities/opportunity.model.js';
import { dealPillarModel, type Pillar } from './forecast.model.js';

type Dto = Record<string, unknown>;

/** Whether a deal (its API shape, or the part the roll-ups keep) is won, as the roll-ups count it. */
export const isWon = (r: Dto) => r.stageKind === 'won' || r.outcome === 'won' || r.outcome === 'partially_won';

const oid = (v: unknown) => (typeof v === 'string' && Types.ObjectId.isValid(v) && v.length === 24 ? new Types.ObjectId(v) : null);

/**
 * The pillar of a won deal of an account (003's annual forecast): `new` when the account had no won
 * deal before it (by close date, then id), `upsell` when it had but this deal's product is one the
 * account never bought, else `accountManagement`. Decided once, the first time the deal is counted as
 * won, and kept (deal_pillars): a later change of the account's other deals does not move it, and a
 * rebuild reads the kept answer. Deals without an account are `new` and are not kept (metrics.ts).
 */
export async function pillarOfWonDeal(connection: Connection, tenantId: Types.ObjectId, dealId: string, deal: Dto): Promise<Pillar | null> {
  const customerId = oid(deal.customerId);
  const id = oid(dealId);
  if (!customerId || !id || !isWon(deal)) return null;
  const Pillars = dealPillarModel(connection);
  const _id = `${String(tenantId)}|${dealId}`;
  const kept = await Pillars.findOne({ _id, tenantId }).select('pillar').lean();
  if (kept) return kept.pillar;
  const closedAt = new Date(String(deal.closedAt ?? deal.stageChangedAt ?? deal.updatedAt ?? deal.createdAt ?? 0)).getTime();
  const others = await opportunityModel(connection)
    .find({ tenantId, customerId, _id: op({ $ne: id }), $or: [{ stageKind: 'won' }, { outcome: op({ $in: ['won', 'partially_won'] }) }] } as never)
    .select('closedAt stageChangedAt productId')
    .limit(10_000)
    .lean();
  const before = others.filter((o) => {
    const at = (o.closedAt ?? o.stageChangedAt)?.getTime() ?? 0;
    return at < closedAt || (at === closedAt && String(o._id) < dealId);
  });
  const productId = deal.productId ? String(deal.productId) : null;
  const pillar: Pillar = before.length === 0 ? 'new' : productId && !before.some((o) => String(o.productId ?? '') === productId) ? 'upsell' : 'accountManagement';
  try {
    await Pillars.create({ _id, tenantId, opportunityId: dealId, pillar, classifiedAt: new Date() });
    return pillar;
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error;
    return (await Pillars.findOne({ _id, tenantId }).select('pillar').lean())?.pillar ?? pillar;
  }
}
