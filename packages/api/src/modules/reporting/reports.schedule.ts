import type { Connection, Types } from 'mongoose';
import type { Logger } from 'pino';
import { inParallel } from '../../platform/concurrency.js';
import { claimOnce } from '../../platform/db/claim-once.js';
import { AppError } from '../../platform/errors.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import { loadPrincipal } from '../identity/principal.service.js';
import { userModel } from '../identity/user.model.js';
import { periodStart, type Period } from './metrics.js';
import { reportFile, reportFileName, reportLanguageOf } from './reports.export.js';
import { reportModel, type Report } from './reports.model.js';
import type { ReportsService } from './reports.service.js';

/** The recurring job that emails the scheduled reports whose period has turned. */
export const REPORT_SCHEDULE_JOB = 'reporting.reports.send';

const periodOf: Record<'daily' | 'weekly' | 'monthly', Period> = { daily: 'day', weekly: 'week', monthly: 'month' };
const subjects = { en: (name: string, since: string) => `Report “${name}” (${since})`, de: (name: string, since: string) => `Bericht „${name}“ (${since})` };
const bodies = {
  en: (name: string) => `Your scheduled report “${name}” is attached, with the figures you may see.`,
  de: (name: string) => `Anbei Ihr geplanter Bericht „${name}“ mit den Zahlen, die Sie sehen dürfen.`,
};
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Scheduled reports: each schedule × period × recipient is sent at most once, however often the job
 * runs, retries or runs in two processes at once: the send is preceded by the one insert of its key
 * (claimOnce). A process that dies between the claim and the SMTP hand-over loses that one email
 * rather than sending it twice (the claim fails closed, as single-use links do).
 */
export function createReportSchedules(deps: { connection: Connection; reports: ReportsService; mailer: Mailer; timeZoneOf: (tenantId: Types.ObjectId) => Promise<string>; logger?: Logger | undefined }) {
  const Reports = reportModel(deps.connection);

  /** Sends one recipient's copy for the period starting `since`, unless it was sent already; true when this call sent it. */
  async function sendTo(report: Report, recipientId: Types.ObjectId, since: string): Promise<boolean> {
    const principal = await loadPrincipal(deps.connection, { tenantId: report.tenantId, userId: recipientId });
    if (!principal) return false;
    // The recipient's own visibility: the definition must be one they may open, and the figures are theirs.
    const definition = await deps.reports.get(principal, String(report._id));
    const result = await deps.reports.run(principal, definition, report.name);
    const user = await userModel(deps.connection).findOne({ tenantId: report.tenantId, _id: recipientId }).select('email locale').lean();
    if (!user?.email) return false;
    const language = reportLanguageOf(user.locale) ?? 'en';
    const attachment = await reportFile(result, language, report.schedule!.format, `${reportFileName(report.name)}-${since}`);
    const key = `report-schedule:${String(report._id)}:${since}:${String(recipientId)}`;
    if (!(await claimOnce(deps.connection, key))) return false;
    await deps.mailer.send({
      to: user.email,
      subject: subjects[language](report.name, since),
      text: bodies[language](report.name),
      html: `<p>${escapeHtml(bodies[language](report.name))}</p>`,
      messageId: `<${key.replace(/:/g, '.')}@reports.crm>`,
      attachments: [attachment],
    });
    return true;
  }

  /** Sends every scheduled report's copies for the current period (on each agency's calendar) not sent yet. */
  async function sendDue(now = new Date()): Promise<{ sent: number }> {
    const scheduled = (await Reports.find({ scheduled: true }).setOptions({ crossTenant: 'the schedule job reads every agency’s scheduled reports; each is run under its recipient’s own principal' }).lean()) as Report[];
    let sent = 0;
    await inParallel(scheduled, 2, async (report) => {
      if (!report.schedule) return;
      const since = periodStart(periodOf[report.schedule.frequency], now, await deps.timeZoneOf(report.tenantId));
      for (const recipientId of report.schedule.recipientIds) {
        try {
          if (await sendTo(report, recipientId, since)) sent += 1;
        } catch (error) {
          // A recipient who may no longer open the report (or split it so) is skipped; the rest still get theirs.
          if (!(error instanceof AppError)) throw error;
          deps.logger?.warn({ reportId: String(report._id), recipientId: String(recipientId), code: error.code }, 'scheduled report not sent to this recipient');
        }
      }
    });
    return { sent };
  }

  return { sendDue };
}

export type ReportSchedules = ReturnType<typeof createReportSchedules>;
