import { Types } from 'mongoose';
import type { AppContext } from '../../platform/context.js';
import type { RouteSpec } from '../../platform/http/route.js';
import { createDashboardsService } from './dashboards.service.js';
import { createMetricsService } from './metrics.service.js';
import { createMenusService } from './menus.service.js';
import { menusRoutes } from './menus.routes.js';
import { reportingRoutes } from './reporting.routes.js';
import { createRollups } from './rollups.service.js';
import { createTargetsService } from './targets.service.js';
import { createForecastsService } from './forecasts.service.js';
import { forecastsRoutes } from './forecasts.routes.js';

/** The job that recomputes one agency's roll-ups from its records (`data: { tenantId }`). */
export const ROLLUP_REBUILD_JOB = 'reporting.rollups.rebuild';

/** The recurring job that applies queued roll-ups of every agency (a crash's leftovers, an idle agency's queue). */
export const ROLLUP_DRAIN_JOB = 'reporting.rollups.drain';

/** Roll-ups written with the records, metrics, targets and dashboards (issue 19). */
export function reportingModule(ctx: AppContext) {
  const { connection, events } = ctx;
  const rollups = createRollups({ connection, events, logger: ctx.logger });
  rollups.subscribe();
  // The scheduler's own lock lifetime, renewed as the rebuild goes (a long lifetime would also keep a
  // timer of that length alive in a process that is stopping).
  ctx.jobs.define<{ tenantId: string }>(ROLLUP_REBUILD_JOB, async (job, keepAlive) => {
    await rollups.rebuild(new Types.ObjectId(job.attrs.data.tenantId), keepAlive);
  });
  ctx.jobs.define(ROLLUP_DRAIN_JOB, async () => {
    // Campaigns whose own sends were opened, clicked, bounced or replied to since the last run (counted without an event).
    await rollups.queueCountedCampaigns();
    await rollups.applier.drainAll();
  });
  ctx.jobs.recurring('* * * * *', ROLLUP_DRAIN_JOB);
  const rebuildSoon = (tenantId: unknown) => ctx.jobs.scheduleUnique(`${ROLLUP_REBUILD_JOB}:${String(tenantId)}`, new Date(), ROLLUP_REBUILD_JOB, { tenantId: String(tenantId) });
  // Periods turn at the agency's midnight: a new time zone moves every bucket, so they are rebuilt.
  events.subscribe('tenant.updated', async (event) => {
    if (event.changes?.timeZone) await rebuildSoon(event.tenantId);
  });
  // Imports write their leads in bulk, without an event per record: when one ends (or is undone), the
  // agency's roll-ups are rebuilt from its records, once however many imports end at the same time.
  events.subscribe('import.*', async (event) => {
    if (!['import.completed', 'import.failed', 'import.undone'].includes(event.type) || event.data?.kind === 'contact') return;
    await rebuildSoon(event.tenantId);
  });
  const metrics = createMetricsService({ connection, rollups });
  const targets = createTargetsService({ connection, rollups });
  const dashboards = createDashboardsService({ connection });
  const menus = createMenusService({ connection });
  const forecasts = createForecastsService({ connection, rollups });
  const routes: RouteSpec[] = [...reportingRoutes(metrics, targets, dashboards), ...menusRoutes(menus), ...forecastsRoutes(forecasts)];
  return { routes, rollups, metrics, targets, dashboards, menus, forecasts };
}
