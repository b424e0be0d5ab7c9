import type { AppContext } from '../../platform/context.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import type { MetricsService } from './metrics.service.js';
import type { Rollups } from './rollups.service.js';
import { reportsRoutes } from './reports.routes.js';
import { createReportSchedules, REPORT_SCHEDULE_JOB } from './reports.schedule.js';
import { createReportsService } from './reports.service.js';

/** Saved reports, their exports and their scheduled emails (issue 19, item 4), on the reporting module's metrics. */
export function reportsModule(ctx: AppContext, deps: { metrics: MetricsService; rollups: Rollups; mailer: Mailer }) {
  const reports = createReportsService({ connection: ctx.connection, metrics: deps.metrics });
  const schedules = createReportSchedules({ connection: ctx.connection, reports, mailer: deps.mailer, timeZoneOf: deps.rollups.timeZoneOf, logger: ctx.logger });
  ctx.jobs.define(REPORT_SCHEDULE_JOB, async () => {
    await schedules.sendDue();
  });
  // Every 15 minutes: a period's copies go out within a quarter of an hour of its turning.
  ctx.jobs.recurring('*/15 * * * *', REPORT_SCHEDULE_JOB);
  return { routes: reportsRoutes(reports), reports, schedules };
}
