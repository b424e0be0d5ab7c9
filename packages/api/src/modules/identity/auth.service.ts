import { randomBytes } from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events.js';
import { hashPassword, verifyDecoy, verifyPassword } from '../../platform/auth/passwords.js';
import { createLoginThrottle, type LoginThrottle } from '../../platform/auth/login-throttle.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import { ACCESS_TOKEN_TTL_SECONDS, randomToken, sha256, signAccessToken } from '../../platform/auth/tokens.js';
import { claimOnce } from '../../platform/db/claim-once.js';
import { op } from '../../platform/db/operators.js';
import { toTenantDto, toUserDto } from './dto.js';
import { roleModel } from './role.model.js';
import { isOfAudience, ofAudience, refreshTokenModel, sessionModel, type RefreshToken as RefreshTokenDoc } from './session.model.js';
import { seedTenantDefaults } from './tenant-setup.service.js';
import { tenantModel } from './tenant.model.js';
import { userModel, type User } from './user.model.js';
import { pendingRegistrationModel, REGISTRATION_EMAILS_PER_HOUR, REGISTRATION_TTL_MS, registrationMailSlotModel } from './pending-registration.model.js';
import { findByIdInTenant } from '../../platform/db/tenancy.plugin.js';

const REFRESH_TTL_MS = 30 * 24 * 3600 * 1000;
const invalidCredentials = () => new AppError('unauthenticated', 'The email or password is not correct');
const emailTaken = () => AppError.invalidField('token', 'is for an email that already has an account; sign in instead', 'email_taken');
const registrationLinkRefused = (code: string, message: string) =>
  new AppError('validation_failed', `This sign-up link ${message}`, { errors: [{ field: 'token', code, message }] });

/** What a newcomer types to sign up: the agency and its first admin. */
export interface RegistrationInput {
  agency: { name: string; type?: string | undefined; address?: Record<string, string | undefined> | undefined; timeZone?: string | undefined };
  admin: { name: string; email: string; password: string };
}

export interface ClientInfo {
  ip: string;
  userAgent: string;
}

function slugify(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
  return base || 'agency';
}

/** Sign-up, sign-in and the session life cycle. */
export function createAuthService(deps: { connection: Connection; jwtSecret: string; events: EventBus; throttle?: LoginThrottle; mailer?: Mailer }) {
  const { connection, jwtSecret, events } = deps;
  const throttle = deps.throttle ?? createLoginThrottle({ failuresPerAddressPerHour: 100 });
  const Tenant = tenantModel(connection);
  const User = userModel(connection);
  const Role = roleModel(connection);
  const Session = sessionModel(connection);
  const RefreshToken = refreshTokenModel(connection);
  const PendingRegistration = pendingRegistrationModel(connection);
  const RegistrationMailSlot = registrationMailSlotModel(connection);

  async function issueTokens(user: User, client: ClientInfo, sessionId?: Types.ObjectId) {
    const tenantId = user.tenantId;
    let sid = sessionId;
    if (!sid) {
      const session = await Session.create({ tenantId, audience: 'agent', userId: user._id, userAgent: client.userAgent.slice(0, 500), ip: client.ip, expiresAt: new Date(Date.now() + REFRESH_TTL_MS) });
      sid = session._id;
    }
    const refreshToken = randomToken('rt_');
    await RefreshToken.create({ tenantId, audience: 'agent', sessionId: sid, tokenHash: sha256(refreshToken), expiresAt: new Date(Date.now() + REFRESH_TTL_MS) });
    const role = await Role.findOne({ tenantId, _id: user.roleId }).select('key').lean();
    return {
      accessToken: signAccessToken(jwtSecret, { sub: String(user._id), tid: String(tenantId), sid: String(sid) }),
      refreshToken,
      tokenType: 'Bearer' as const,
      expiresIn: ACCESS_TOKEN_TTL_SECONDS,
      user: toUserDto(user, role?.key),
    };
  }

  // The owner hears of repeated failures (once an hour at most), by email when a mailer is configured.
  async function tellOwner(user: User, failures: number, client: ClientInfo): Promise<void> {
    await events.publish({ type: 'auth.login_failures_repeated', tenantId: user.tenantId, resource: 'user', resourceId: String(user._id), actor: { tenantId: user.tenantId, userId: null, apiKeyId: null, ...client }, data: { failures } });
    if (!deps.mailer) return;
    const tenant = await Tenant.findById(user.tenantId).select('name').lean();
    await deps.mailer.sendTemplate(user.email, 'failedSignIns', { name: user.name, agencyName: tenant?.name ?? 'your agency', failures, address: client.ip || 'unknown', link: deps.mailer.linkBase });
  }

  // The agency's id is the claim on its pending registration: a second create with it fails on the key.
  async function createAgency(fields: { id: Types.ObjectId; agency: RegistrationInput['agency']; email: string; emailNormalized: string; adminName: string; passwordHash: string }, client: ClientInfo) {
    const { agency } = fields;
    let tenant;
    for (let attempt = 0; !tenant; attempt += 1) {
      const slug = attempt === 0 ? slugify(agency.name) : `${slugify(agency.name)}-${randomBytes(3).toString('hex')}`;
      try {
        tenant = await Tenant.create({ _id: fields.id, name: agency.name, slug, type: agency.type, address: agency.address, settings: { timeZone: agency.timeZone ?? 'UTC' } });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        // Another confirm of the same link got there first.
        if (await Tenant.exists({ _id: fields.id })) throw registrationLinkRefused('used', 'was already used; sign in instead');
        if (attempt > 5) throw error;
      }
    }
    const ids = await seedTenantDefaults(connection, tenant._id);
    let user;
    try {
      user = await User.create({ tenantId: tenant._id, email: fields.email, emailNormalized: fields.emailNormalized, name: fields.adminName, passwordHash: fields.passwordHash, roleId: ids.get('ADMIN')!, status: 'active' });
    } catch (error) {
      // Lost a race for the same email (two sign-ups of one address): undo the agency so nothing half-made stays.
      await Tenant.deleteOne({ _id: tenant._id });
      if (isDuplicateKeyError(error)) throw emailTaken();
      throw error;
    }
    await PendingRegistration.updateOne({ _id: fields.id }, { $set: { usedAt: new Date() } });
    await events.publish({ type: 'tenant.registered', tenantId: tenant._id, resource: 'tenant', resourceId: String(tenant._id), actor: { tenantId: tenant._id, userId: user._id, apiKeyId: null, ...client } });
    return { tenant: toTenantDto(tenant.toObject()), ...(await issueTokens(user.toObject(), client)) };
  }

  async function claimRegistrationMailSlot(emailNormalized: string): Promise<boolean> {
    const hour = Math.floor(Date.now() / 3600_000);
    for (let n = 1; n <= REGISTRATION_EMAILS_PER_HOUR; n += 1) {
      try {
        await RegistrationMailSlot.create({ _id: `${emailNormalized}:${hour}:${n}`, expiresAt: new Date((hour + 2) * 3600_000) });
        return true;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
    return false;
  }

  // After the caller was answered: mail a link to a newcomer, or tell an account's owner they have one.
  async function mailRegistration(input: RegistrationInput, passwordHash: string, client: ClientInfo): Promise<void> {
    if (!deps.mailer) throw new Error('registration needs a mailer: its link is only ever emailed');
    const mailer = deps.mailer;
    const emailNormalized = input.admin.email.toLowerCase();
    // Nobody can flood an inbox through sign-ups, from however many addresses; the caller never knows.
    if (!(await claimRegistrationMailSlot(emailNormalized))) return;
    const existing = await User.findOne({ emailNormalized }).select('name tenantId').setOptions({ crossTenant: 'email is unique across agencies' }).lean();
    if (existing) {
      const tenant = await Tenant.findById(existing.tenantId).select('name').lean();
      await mailer.sendTemplate(input.admin.email, 'registrationExists', { name: existing.name, agencyName: tenant?.name ?? 'your agency', link: mailer.linkBase });
      return;
    }
    const token = randomToken('reg_');
    await PendingRegistration.create({
      tokenHash: sha256(token),
      email: input.admin.email,
      emailNormalized,
      adminName: input.admin.name,
      passwordHash,
      agency: input.agency,
      ip: client.ip,
      expiresAt: new Date(Date.now() + REGISTRATION_TTL_MS),
    });
    await mailer.sendTemplate(input.admin.email, 'registrationConfirm', { name: input.admin.name, agencyName: input.agency.name, link: `${mailer.linkBase}/confirm-registration?token=${encodeURIComponent(token)}` });
  }

  return {
    /**
     * Starts a sign-up. The caller is answered the same way, after the same work (hashing the password),
     * whether or not the email has an account; what differs happens in `mailed`, which the route does not
     * wait for: an unknown email gets a single-use link (24 h) that creates the agency, a known one is
     * told it already has an account, and no second account is ever made.
     */
    async requestRegistration(input: RegistrationInput, client: ClientInfo): Promise<{ mailed: Promise<void> }> {
      const passwordHash = await hashPassword(input.admin.password);
      return { mailed: mailRegistration(input, passwordHash, client) };
    },

    /**
     * Completes a sign-up from its emailed token: creates the agency (with the pending registration's id,
     * so two confirms of one link race on a unique key and only one agency can exist), its departments,
     * built-in roles and first admin, and signs the admin in.
     */
    async confirmRegistration(token: string, client: ClientInfo) {
      const pending = await PendingRegistration.findOne({ tokenHash: sha256(token) }).select('+passwordHash').lean();
      if (!pending) throw registrationLinkRefused('invalid_token', 'is unknown or expired; sign up again for a new link');
      if (pending.usedAt) throw registrationLinkRefused('used', 'was already used; sign in instead');
      if (pending.expiresAt.getTime() <= Date.now()) throw registrationLinkRefused('expired', 'has expired (a link works for 24 hours); sign up again for a new one');
      if (await User.exists({ emailNormalized: pending.emailNormalized }).setOptions({ crossTenant: 'email is unique across agencies' })) throw emailTaken();
      return createAgency({ ...pending, id: pending._id }, client);
    },

    /**
     * Creates an agency and its first admin at once, without an emailed link: for operators' scripts that
     * run beside the database (the demo seed), never for a route.
     */
    async provisionAgency(input: RegistrationInput, client: ClientInfo) {
      const emailNormalized = input.admin.email.toLowerCase();
      if (await User.exists({ emailNormalized }).setOptions({ crossTenant: 'email is unique across agencies' })) throw AppError.invalidField('admin.email', 'is already registered', 'taken');
      return createAgency({ id: new Types.ObjectId(), agency: input.agency, email: input.admin.email, emailNormalized, adminName: input.admin.name, passwordHash: await hashPassword(input.admin.password) }, client);
    },

    /**
     * Signs in with email and password. Every failure looks the same; failures slow down this account
     * from this address (never the account from everywhere), and its owner is told of repeated ones.
     */
    async login(input: { email: string; password: string }, client: ClientInfo) {
      const key = input.email.trim().toLowerCase();
      await throttle.assertMayTry(key, client.ip);
      const user = await User.findOne({ emailNormalized: key }).select('+passwordHash').setOptions({ crossTenant: 'sign-in finds the agency by email' }).lean();
      const ok = user?.passwordHash && user.status === 'active' ? await verifyPassword(user.passwordHash, input.password) : await verifyDecoy(input.password);
      if (!ok || !user) {
        const { accountFailures, tellOwner: tell } = await throttle.recordFailure(key, client.ip);
        if (user) {
          await events.publish({ type: 'auth.login_failed', tenantId: user.tenantId, resource: 'user', resourceId: String(user._id), actor: { tenantId: user.tenantId, userId: null, apiKeyId: null, ...client } });
          if (tell) void tellOwner(user, accountFailures, client).catch(() => {});
        }
        throw invalidCredentials();
      }
      await throttle.recordSuccess(key, client.ip);
      await User.updateOne({ tenantId: user.tenantId, _id: user._id }, { $set: { lastLoginAt: new Date() } });
      await events.publish({ type: 'auth.login', tenantId: user.tenantId, resource: 'user', resourceId: String(user._id), actor: { tenantId: user.tenantId, userId: user._id, apiKeyId: null, ...client } });
      return issueTokens(user, client);
    },

    /**
     * Rotates a refresh token. A token is good once: presenting a used one means it was stolen or
     * replayed, so the whole session (every token of its family) is revoked.
     */
    async refresh(refreshToken: string, client: ClientInfo) {
      const tokenHash = sha256(refreshToken);
      const now = new Date();
      const found = await RefreshToken.findOne({ tokenHash, usedAt: null, ...ofAudience('agent') }).setOptions({ crossTenant: 'a refresh token finds its session' }).lean<RefreshTokenDoc>();
      // One request wins a token (platform/db/claim-once.ts); a racing second one counts as its reuse.
      const claimed = found && (await claimOnce(connection, `refresh:${String(found._id)}`, { until: found.expiresAt })) ? found : null;
      if (claimed) await RefreshToken.updateOne({ tenantId: claimed.tenantId, _id: claimed._id }, { $set: { usedAt: now } });
      if (!claimed) {
        const reused = await RefreshToken.findOne({ tokenHash, ...ofAudience('agent') }).setOptions({ crossTenant: 'reuse detection' }).lean();
        if (reused) {
          await Session.updateOne({ tenantId: reused.tenantId, _id: reused.sessionId, revokedAt: null, ...ofAudience('agent') }, { $set: { revokedAt: now, revokedReason: 'refresh token reused' } });
          await events.publish({ type: 'auth.refresh_reused', tenantId: reused.tenantId, resource: 'session', resourceId: String(reused.sessionId), actor: { tenantId: reused.tenantId, userId: null, apiKeyId: null, ...client } });
          await events.publish({ type: 'auth.session_revoked', tenantId: reused.tenantId, resource: 'session', resourceId: String(reused.sessionId), actor: null, data: { sessionId: String(reused.sessionId), reason: 'refresh token reused' } });
        }
        throw new AppError('unauthenticated', 'The refresh token is not valid; sign in again');
      }
      const session = await Session.findOne({ tenantId: claimed.tenantId, _id: claimed.sessionId }).lean();
      if (!session || !isOfAudience(session, 'agent') || session.revokedAt || session.expiresAt < now || claimed.expiresAt < now) throw new AppError('unauthenticated', 'The session has ended; sign in again');
      const user = await User.findOne({ tenantId: claimed.tenantId, _id: session.userId }).lean();
      if (!user || user.status !== 'active') throw new AppError('unauthenticated', 'The session has ended; sign in again');
      await Session.updateOne({ tenantId: session.tenantId, _id: session._id }, { $set: { lastUsedAt: now, ip: client.ip } });
      return issueTokens(user, client, session._id);
    },

    /** Ends one session: its refresh tokens stop working and its access tokens are refused. */
    async revokeSession(tenantId: Types.ObjectId, userId: Types.ObjectId, sessionId: string, reason = 'signed out') {
      if (!Types.ObjectId.isValid(sessionId)) throw AppError.notFound('Session');
      const result = await Session.updateOne({ tenantId, userId, _id: new Types.ObjectId(sessionId), revokedAt: null, ...ofAudience('agent') }, { $set: { revokedAt: new Date(), revokedReason: reason } });
      if (result.matchedCount === 0) throw AppError.notFound('Session');
      // Realtime listens for this to drop the session's open sockets at once.
      await events.publish({ type: 'auth.session_revoked', tenantId, resource: 'session', resourceId: sessionId, actor: { tenantId, userId, apiKeyId: null }, data: { sessionId, reason } });
    },

    async listSessions(tenantId: Types.ObjectId, userId: Types.ObjectId) {
      return Session.find({ tenantId, userId, revokedAt: null, expiresAt: op({ $gt: new Date() }), ...ofAudience('agent') }).sort({ lastUsedAt: -1 }).limit(100).lean();
    },

    /** Opens a session for a user who just proved who they are another way (accepted invitation). */
    async startSession(user: User, client: ClientInfo) {
      return issueTokens(user, client);
    },

    /** Ends every live session of a user except `keepSessionId` (password change, reset, disabling). */
    async revokeUserSessions(tenantId: Types.ObjectId, userId: Types.ObjectId, reason: string, keepSessionId?: string | null) {
      const filter: Record<string, unknown> = { tenantId, userId, revokedAt: null, ...ofAudience('agent') };
      if (keepSessionId && Types.ObjectId.isValid(keepSessionId)) filter._id = op({ $ne: new Types.ObjectId(keepSessionId) });
      const result = await Session.updateMany(filter, { $set: { revokedAt: new Date(), revokedReason: reason } });
      return result.modifiedCount;
    },

    /** Forgets failed sign-ins of an email (after a password reset proves ownership). */
    async clearLockout(email: string) {
      await throttle.clearAccount(email.trim().toLowerCase());
    },

    /** True when the session an access token names is still live. */
    async isSessionLive(tenantId: Types.ObjectId, sessionId: string): Promise<boolean> {
      if (!Types.ObjectId.isValid(sessionId)) return false;
      const session = await findByIdInTenant(Session, tenantId, new Types.ObjectId(sessionId));
      return Boolean(session && isOfAudience(session, 'agent') && !session.revokedAt && session.expiresAt > new Date());
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
