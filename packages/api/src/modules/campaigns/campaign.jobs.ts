import { Types, type Connection } from 'mongoose';
import type { DomainEvent, EventBus } from '../../platform/events.js';
import type { Jobs } from '../../platform/jobs/jobs.js';
import type { Logger } from 'pino';
import { campaignModel, type Campaign } from './campaign.model.js';
import type { CampaignSchedule } from './campaigns.service.js';

/** One campaign's next period edge: `{ tenantId, campaignId, edge }`, run at that instant. */
export const CAMPAIGN_EDGE_JOB = 'campaign.period-edge';
/** The safety net: every campaign whose edge has passed, whatever happened to its own job. */
export const CAMPAIGN_SWEEP_JOB = 'campaign.period-sweep';
export const CAMPAIGN_SWEEP_SCHEDULE = '*/5 * * * *';

export interface CampaignEdgeJobData {
  tenantId: string;
  campaignId: string;
  edge: 'start' | 'end';
}

/**
 * The edge a campaign waits for next, by its status: a `new` one its start (at once if the start has
 * passed and the end has not), an `active` one its end. Drafts, in-active and discarded campaigns wait
 * for a person; a draft moved to `new` gets its job then.
 */
export function nextEdge(campaign: Pick<Campaign, 'status' | 'startAt' | 'endAt'>, now: Date): { edge: 'start' | 'end'; at: Date } | null {
  const later = (d: Date) => new Date(Math.max(d.getTime(), now.getTime()));
  if (campaign.status === 'new' && campaign.startAt && (!campaign.endAt || campaign.endAt > now)) return { edge: 'start', at: later(campaign.startAt) };
  if (campaign.status === 'active' && campaign.endAt) return { edge: 'end', at: later(campaign.endAt) };
  return null;
}

/** Whether an event can change when (or whether) a campaign's next edge comes. */
function movesEdge(event: DomainEvent): boolean {
  if (event.type === 'campaign.updated') return Boolean(event.changes && ('startAt' in event.changes || 'endAt' in event.changes || 'status' in event.changes));
  return event.type === 'campaign.created' || event.type === 'campaign.transitioned' || event.type === 'campaign.deleted';
}

/**
 * Period edges as Agenda jobs (issue 7): each campaign has at most one pending edge job, replaced
 * whenever its period or status changes and dropped when it is discarded or deleted; the job moves the
 * campaign through the schedule (claimed, so a second run or a second worker changes nothing and
 * publishes no second transition). `campaign.activated` / `campaign.deactivated` from the move reach the
 * owner's in-app notifications. A sweep every five minutes catches an edge whose job was lost.
 */
export function defineCampaignJobs(deps: { connection: Connection; events: EventBus; jobs: Jobs; schedule: CampaignSchedule; logger: Logger }) {
  const { jobs, schedule } = deps;
  const Campaign = campaignModel(deps.connection);

  /**
   * Replaces the campaign's pending edge job with the one its current state asks for. `keep` leaves
   * stored jobs alone: a move made by an edge job is planned from inside that job, whose own document
   * Agenda still has to mark finished (a job left behind by a sweep's move finds nothing to do).
   */
  async function plan(tenantId: Types.ObjectId, campaignId: string, options: { keep?: boolean; now?: Date } = {}): Promise<Date | null> {
    const now = options.now ?? new Date();
    if (!options.keep) await jobs.cancel(CAMPAIGN_EDGE_JOB, { campaignId });
    if (!Types.ObjectId.isValid(campaignId)) return null;
    const campaign = await Campaign.findOne({ tenantId, _id: new Types.ObjectId(campaignId) }).lean<Campaign>();
    const next = campaign ? nextEdge(campaign, now) : null;
    if (!next) return null;
    await jobs.schedule<CampaignEdgeJobData>(next.at, CAMPAIGN_EDGE_JOB, { tenantId: String(tenantId), campaignId, edge: next.edge });
    return next.at;
  }

  jobs.define<CampaignEdgeJobData>(CAMPAIGN_EDGE_JOB, async (job) => {
    const { tenantId, campaignId } = job.attrs.data;
    const moved = await schedule.settle(new Types.ObjectId(tenantId), new Types.ObjectId(campaignId));
    deps.logger.debug({ campaignId, edge: job.attrs.data.edge, moved }, 'campaign period edge');
  });
  jobs.define(CAMPAIGN_SWEEP_JOB, async () => {
    const now = new Date();
    const activated = await schedule.activateDueCampaigns(now);
    const deactivated = await schedule.deactivateEndedCampaigns(now);
    if (activated || deactivated) deps.logger.info({ activated, deactivated }, 'campaign sweep moved campaigns whose edge job had not');
  });
  jobs.recurring(CAMPAIGN_SWEEP_SCHEDULE, CAMPAIGN_SWEEP_JOB);

  // Creates, period changes and transitions (by people or by the schedule itself) all come through here.
  deps.events.subscribe('campaign.*', async (event) => {
    if (!movesEdge(event) || !event.resourceId) return;
    await plan(event.tenantId, event.resourceId, { keep: event.data?.bySchedule === true });
  });

  return { plan };
}
