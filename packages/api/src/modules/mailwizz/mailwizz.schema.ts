import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';

const keyState = z.object({ set: z.boolean(), last4: z.string() });

export const mailwizzSettingsInput = z
  .object({
    apiUrl: z.url({ protocol: /^https?$/ }).max(2000).openapi({ description: 'The Mailwizz API URL, e.g. https://mail.example.com/api' }),
    publicKey: z.string().trim().min(8).max(200).optional().openapi({ description: 'Write-only: stored encrypted, never returned. Required when connecting; omit to keep the stored one.' }),
    privateKey: z.string().trim().min(8).max(200).optional().openapi({ description: 'Write-only: stored encrypted, never returned. Required when connecting; omit to keep the stored one.' }),
    fromName: z.string().trim().min(1).max(200).openapi({ description: 'The sender of pushed lists and, by default, of campaigns' }),
    fromEmail: z.email(),
    replyTo: z.email().nullable().optional(),
  })
  .openapi('MailwizzSettingsInput');

export const mailwizzSettings = z
  .object({
    apiUrl: z.string(),
    publicKey: keyState,
    privateKey: keyState,
    fromName: z.string(),
    fromEmail: z.string(),
    replyTo: z.string(),
    lastTest: z.object({ ok: z.boolean(), at: z.string(), message: z.string() }).nullable(),
    updatedAt: z.string(),
  })
  .openapi('MailwizzSettings');

export const mailwizzTestResult = z.object({ ok: z.boolean(), message: z.string() }).openapi('MailwizzConnectionTest');

const progress = z.object({ total: z.number().int(), processed: z.number().int(), created: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), removed: z.number().int(), skipped: z.number().int() });
export const mailwizzSync = z
  .object({
    segmentId: z.string(),
    listUid: z.string().nullable(),
    listName: z.string(),
    status: z.enum(['queued', 'running', 'done', 'failed']),
    progress,
    lastError: z.string().nullable(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .openapi('MailwizzSync');
export const mailwizzSyncList = z.object({ data: z.array(mailwizzSync) }).openapi('MailwizzSyncList');

export const segmentParams = z.object({ segmentId: objectId });
export const campaignParams = z.object({ campaignId: objectId });

export const mailwizzCampaignInput = z
  .object({
    segmentId: objectId.openapi({ description: 'A segment already pushed as a Mailwizz list' }),
    name: z.string().trim().min(1).max(200),
    subject: z.string().trim().min(1).max(500),
    fromName: z.string().trim().min(1).max(200).optional(),
    fromEmail: z.email().optional(),
    replyTo: z.email().optional(),
    html: z.string().min(1).max(500_000).openapi({ description: 'The template content (HTML), sent to Mailwizz as is' }),
    sendAt: z.iso.datetime({ offset: true }).optional().openapi({ description: 'When Mailwizz sends it (UTC; default now)' }),
  })
  .openapi('MailwizzCampaignInput');

const stats = z
  .object({
    recipients: z.number().int(), processed: z.number().int(), delivered: z.number().int(), opens: z.number().int(), uniqueOpens: z.number().int(), clicks: z.number().int(), uniqueClicks: z.number().int(),
    bouncesHard: z.number().int(), bouncesSoft: z.number().int(), unsubscribes: z.number().int(), complaints: z.number().int(),
  })
  .openapi('MailwizzCampaignStats');
export const mailwizzCampaign = z
  .object({
    campaignId: z.string().openapi({ description: 'The CRM campaign' }),
    channel: z.literal('mailwizz'),
    campaignUid: z.string(),
    segmentId: z.string(),
    listUid: z.string(),
    name: z.string(),
    subject: z.string(),
    sendAt: z.string(),
    mailwizzStatus: z.string(),
    stats: stats.nullable(),
    statsAt: z.string().nullable(),
  })
  .openapi('MailwizzCampaign');
export const mailwizzCampaignList = z.object({ data: z.array(mailwizzCampaign) }).openapi('MailwizzCampaignList');
export const unsubscribePullResult = z.object({ marked: z.number().int() }).openapi('MailwizzUnsubscribePull');
