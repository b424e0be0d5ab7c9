import type { RequestHandler } from 'express';
import { publicBaseUrl } from '../../platform/config.js';
import type { AppContext } from '../../platform/context.js';
import type { RouteSpec } from '../../platform/http/route.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import { loadPrincipal } from '../identity/principal.service.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import type { SlotInvitation } from '../tasks/tasks.service.js';
import { calendarRoutes } from './calendar.routes.js';
import { backfillCalendarBuckets, backfillTaskWeeks } from './calendar-buckets.js';
import { createCalendarService } from './calendar.service.js';
import { subscribeSlotOffers } from './slot-offers.js';
import { calendarBucketStampModel } from './calendar-bucket-cache.js';

export const REMINDER_JOB = 'calendar.reminders';

/** Shared calendars (issue 23), wired to the app: the service, the reminder job, the slot-offer mail and the routes. */
export function calendarModule(ctx: AppContext, deps: { notifications: NotificationsService; mailer: Mailer; publicLimit: RequestHandler; slotInvitations: (handler: (invitation: SlotInvitation) => Promise<void>) => void }): { routes: RouteSpec[]; service: ReturnType<typeof createCalendarService> } {
  const { connection, config, jobs, logger } = ctx;
  // Registered now, before the indexes are made at start (platform/db/write-stamps.ts).
  calendarBucketStampModel(connection);
  const publicBase = publicBaseUrl(config);
  const service = createCalendarService({ connection, mailer: deps.mailer, notifications: deps.notifications, logger, publicBase });
  jobs.define(REMINDER_JOB, async () => {
    await service.sendDueReminders(new Date());
  });
  jobs.recurring('* * * * *', REMINDER_JOB);
  // Entries stored before range buckets existed are filed in the background (once; the next start resumes a stopped run).
  void backfillCalendarBuckets(connection, logger).catch((error: unknown) => logger.error({ err: error }, 'calendar bucket backfill stopped; it resumes at the next start'));
  // Tasks stored before they were filed by calendar week, the same way.
  void backfillTaskWeeks(connection, logger).catch((error: unknown) => logger.error({ err: error }, 'task calendar-week backfill stopped; it resumes at the next start'));
  subscribeSlotOffers({ connection, onInvitation: deps.slotInvitations, mailer: deps.mailer, logger, publicBase });
  return { routes: calendarRoutes(service, { publicLimit: deps.publicLimit, loadPrincipal: (tenantId, userId) => loadPrincipal(connection, { tenantId, userId }) }), service };
}
