import type { Connection, Types } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import type { SecretBox } from '../../platform/crypto/secret-box.js';
import { AppError } from '../../platform/errors.js';
import type { MailRoute, TransportPool } from '../../platform/mail/transports.js';
import { mailSettingsModel, type MailSettings } from './mail-settings.model.js';

export interface MailSettingsInput {
  host: string;
  port: number;
  secure: boolean;
  username?: string | null | undefined;
  /** Omit to keep the stored password; null removes it. */
  password?: string | null | undefined;
  fromName?: string | null | undefined;
  fromEmail: string;
}

/** The public shape: everything but the password, which is never returned (only whether one is set). */
export function toMailSettingsDto(s: MailSettings) {
  return {
    scope: s.userId ? ('user' as const) : ('tenant' as const),
    host: s.host,
    port: s.port,
    secure: s.secure,
    username: s.username ?? null,
    hasPassword: Boolean(s.passwordSealed),
    fromName: s.fromName ?? null,
    fromEmail: s.fromEmail,
    updatedAt: new Date(s.updatedAt).toISOString(),
  };
}

/**
 * SMTP accounts: the agency's, and each user's own mailbox (002). Passwords are sealed with AES-256-GCM
 * before they reach the database and opened only to build a transport.
 */
export function createMailSettingsService(deps: { connection: Connection; box: SecretBox; transports: TransportPool }) {
  const Settings = mailSettingsModel(deps.connection);
  const poolKey = (s: MailSettings) => `${String(s.tenantId)}:${s.ownerKey}`;

  async function read(tenantId: Types.ObjectId, ownerKey: string) {
    return Settings.findOne({ tenantId, ownerKey }).lean();
  }
  async function write(tenantId: Types.ObjectId, userId: Types.ObjectId | null, input: MailSettingsInput) {
    const ownerKey = userId ? String(userId) : 'tenant';
    const $set: Record<string, unknown> = {
      userId,
      host: input.host,
      port: input.port,
      secure: input.secure,
      username: input.username ?? null,
      fromName: input.fromName ?? null,
      fromEmail: input.fromEmail,
    };
    if (input.password !== undefined) $set.passwordSealed = input.password === null ? null : deps.box.encrypt(input.password);
    const saved = await Settings.findOneAndUpdate({ tenantId, ownerKey }, { $set }, { upsert: true, returnDocument: 'after' }).lean();
    deps.transports.drop(poolKey(saved!));
    return toMailSettingsDto(saved!);
  }
  async function remove(tenantId: Types.ObjectId, ownerKey: string) {
    const existing = await read(tenantId, ownerKey);
    if (!existing) throw AppError.notFound('Mail settings');
    await Settings.deleteOne({ tenantId, ownerKey });
    deps.transports.drop(poolKey(existing));
  }
  const route = (s: MailSettings): MailRoute =>
    deps.transports.route(poolKey(s), {
      host: s.host,
      port: s.port,
      secure: s.secure,
      username: s.username ?? null,
      password: s.passwordSealed ? deps.box.decrypt(s.passwordSealed) : null,
      fromName: s.fromName ?? null,
      fromEmail: s.fromEmail,
    });

  /** Where a message goes out: the sending user's own mailbox, else the agency's account, else SMTP_URL. */
  async function routeFor(tenantId: Types.ObjectId, userId: Types.ObjectId | null): Promise<MailRoute> {
    if (userId) {
      const own = await read(tenantId, String(userId));
      if (own) return route(own);
    }
    const agency = await read(tenantId, 'tenant');
    return agency ? route(agency) : deps.transports.route(null, null);
  }

  return {
    routeFor,
    /** Sends one message as a user (002's per-user SMTP), with attachments (issue 21: the quote's PDF). */
    async sendAs(tenantId: Types.ObjectId, userId: Types.ObjectId | null, message: { to: string[]; subject: string; text: string; html?: string; attachments?: { filename: string; content: Buffer; contentType: string }[]; messageId?: string }) {
      const via = await routeFor(tenantId, userId);
      // A caller's Message-ID (issue 21: invoice mail keyed by its ledger entry) lets the receiving end spot a duplicate.
      const info = await via.transport.sendMail({ from: via.from, to: message.to, subject: message.subject, text: message.text, html: message.html, attachments: message.attachments ?? [], ...(message.messageId ? { messageId: message.messageId } : {}) });
      return { messageId: String(info.messageId ?? ''), delivered: via.delivers };
    },
    async getTenant(principal: Principal) {
      const s = await read(principal.tenantId, 'tenant');
      if (!s) throw AppError.notFound('Mail settings');
      return toMailSettingsDto(s);
    },
    putTenant: (principal: Principal, input: MailSettingsInput) => write(principal.tenantId, null, input),
    deleteTenant: (principal: Principal) => remove(principal.tenantId, 'tenant'),
    async getMine(principal: Principal) {
      const s = await read(principal.tenantId, String(principal.userId));
      if (!s) throw AppError.notFound('Mail settings');
      return toMailSettingsDto(s);
    },
    putMine: (principal: Principal, input: MailSettingsInput) => write(principal.tenantId, principal.userId, input),
    deleteMine: (principal: Principal) => remove(principal.tenantId, String(principal.userId)),
  };
}

export type MailSettingsService = ReturnType<typeof createMailSettingsService>;
