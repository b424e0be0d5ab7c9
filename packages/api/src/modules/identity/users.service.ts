import { Types, type Connection } from 'mongoose';
import type { Logger } from 'pino';
import { assertCan } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { hashPassword, verifyPassword } from '../../platform/auth/passwords.js';
import { randomToken, sha256 } from '../../platform/auth/tokens.js';
import { claimOnce } from '../../platform/db/claim-once.js';
import { op } from '../../platform/db/operators.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import { writeVersion } from '../../platform/records/version-claims.js';
import type { Actor, EventBus } from '../../platform/events.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import type { AuthService, ClientInfo } from './auth.service.js';
import { toUserDto } from './dto.js';
import { orgModel, type OrgKind } from './org.model.js';
import { roleModel } from './role.model.js';
import { tenantModel } from './tenant.model.js';
import { userTokenModel, type UserTokenKind } from './user-token.model.js';
import { userModel, type User } from './user.model.js';

const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;
const RESET_TTL_MS = 3600 * 1000;
/** At most this many reset emails per account per hour, whatever the caller's address. */
const RESETS_PER_HOUR = 3;

/** Who made a change, for events and the audit trail. */
export function actorOf(principal: Principal, client?: ClientInfo): Actor {
  return { tenantId: principal.tenantId, userId: principal.userId, apiKeyId: principal.apiKeyId, ip: client?.ip, userAgent: client?.userAgent };
}

function oid(value: string): Types.ObjectId {
  return new Types.ObjectId(value);
}

function encodeCursor(id: Types.ObjectId): string {
  return Buffer.from(`u:${String(id)}`).toString('base64url');
}

function decodeCursor(cursor: string): Types.ObjectId {
  const match = /^u:([a-f0-9]{24})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw AppError.invalidField('query.cursor', 'is not a cursor this route issued; pass nextCursor back unchanged');
  return new Types.ObjectId(match[1]);
}

/** Field-by-field differences between two flat records, for events (and so the audit trail). */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key] ?? null) !== JSON.stringify(after[key] ?? null)) changes[key] = { from: before[key] ?? null, to: after[key] ?? null };
  }
  return changes;
}

/**
 * The people of an agency: the admin directory (list, invite, change role, department, status),
 * invitations and password resets by email, and each user's own profile and password.
 */
export function createUsersService(deps: { connection: Connection; events: EventBus; mailer: Mailer; auth: AuthService; logger: Logger }) {
  const { connection, events, mailer, auth } = deps;
  const User = userModel(connection);
  const Role = roleModel(connection);
  const Org = orgModel(connection);
  const Tenant = tenantModel(connection);
  const UserToken = userTokenModel(connection);

  /**
   * updateOne then findOne: FerretDB v1 refuses findAndModify with a projection, and the user model
   * always projects (passwordHash is select: false), so findOneAndUpdate is not available for users.
   */
  async function updateUser(filter: Record<string, unknown>, update: Record<string, unknown>): Promise<User | null> {
    const result = await User.updateOne(filter, update);
    if (result.matchedCount === 0) return null;
    return User.findOne({ tenantId: filter.tenantId, _id: filter._id } as never).lean<User>();
  }

  async function roleKeys(tenantId: Types.ObjectId): Promise<Map<string, { key: string; isAdmin: boolean }>> {
    const roles = await Role.find({ tenantId }).select('key isAdmin').lean();
    return new Map(roles.map((r) => [String(r._id), { key: r.key, isAdmin: r.isAdmin }]));
  }

  async function findUser(tenantId: Types.ObjectId, id: string): Promise<User> {
    const user = await User.findOne({ tenantId, _id: oid(id) }).lean();
    if (!user) throw AppError.notFound('User');
    return user;
  }

  async function assertOrgNode(tenantId: Types.ObjectId, id: string | null | undefined, kind: OrgKind, field: string): Promise<Types.ObjectId | null> {
    if (id === null || id === undefined) return null;
    const node = await Org.exists({ tenantId, _id: oid(id), kind });
    if (!node) throw AppError.invalidField(field, `is not a ${kind} of this agency`);
    return oid(id);
  }

  async function issueToken(user: User, kind: UserTokenKind, ttlMs: number): Promise<string> {
    const token = randomToken(kind === 'invitation' ? 'inv_' : 'rst_');
    // A new token replaces any earlier one of the same kind: only the latest email works.
    await UserToken.updateMany({ tenantId: user.tenantId, userId: user._id, kind, usedAt: null }, { $set: { usedAt: new Date() } });
    await UserToken.create({ tenantId: user.tenantId, userId: user._id, kind, tokenHash: sha256(token), expiresAt: new Date(Date.now() + ttlMs) });
    return token;
  }

  /** Marks a token used, once; answers the same error for unknown, used and expired tokens. */
  async function claimToken(token: string, kind: UserTokenKind) {
    const now = new Date();
    const found = await UserToken.findOne({ tokenHash: sha256(token), kind, usedAt: null, expiresAt: op({ $gt: now }) }).setOptions({ crossTenant: 'an emailed token finds its agency' }).lean();
    const claimed = found && (await claimOnce(connection, `user-token:${String(found._id)}`, { until: found.expiresAt })) ? found : null;
    if (claimed) await UserToken.updateOne({ tenantId: claimed.tenantId, _id: claimed._id }, { $set: { usedAt: now } });
    if (!claimed) throw new AppError('validation_failed', 'This link is not valid any more; ask for a new one', { errors: [{ field: 'token', code: 'invalid_token', message: 'is unknown, used or expired' }] });
    return claimed;
  }

  async function sendInvitation(user: User, inviterName: string) {
    const tenant = await Tenant.findById(user.tenantId).select('name').lean();
    const token = await issueToken(user, 'invitation', INVITATION_TTL_MS);
    await mailer.sendTemplate(user.email, 'invitation', {
      name: user.name,
      inviterName,
      agencyName: tenant?.name ?? 'your agency',
      link: `${mailer.linkBase}/accept-invitation?token=${encodeURIComponent(token)}`,
    });
  }

  async function activeAdminCount(tenantId: Types.ObjectId): Promise<number> {
    const adminRoles = await Role.find({ tenantId, isAdmin: true }).select('_id').lean();
    if (!adminRoles.length) return 0;
    return User.countDocuments({ tenantId, status: 'active', roleId: op({ $in: adminRoles.map((r) => r._id) }) });
  }

  return {
    /** A page of the agency's users, newest first. */
    async list(principal: Principal, query: { limit: number; cursor?: string | undefined; status?: string | undefined; roleId?: string | undefined; departmentId?: string | undefined }) {
      const filter: Record<string, unknown> = { tenantId: principal.tenantId };
      if (query.status) filter.status = query.status;
      if (query.roleId) filter.roleId = oid(query.roleId);
      if (query.departmentId) filter.departmentId = oid(query.departmentId);
      if (query.cursor) filter._id = op({ $lt: decodeCursor(query.cursor) });
      const [docs, roles] = await Promise.all([User.find(filter).sort({ _id: -1 }).limit(query.limit + 1).lean(), roleKeys(principal.tenantId)]);
      const page = docs.slice(0, query.limit);
      const hasMore = docs.length > query.limit;
      return { object: 'list' as const, data: page.map((u) => toUserDto(u, roles.get(String(u.roleId))?.key)), hasMore, nextCursor: hasMore ? encodeCursor(page[page.length - 1]!._id) : null };
    },

    async get(principal: Principal, id: string) {
      const user = await findUser(principal.tenantId, id);
      return toUserDto(user, (await roleKeys(principal.tenantId)).get(String(user.roleId))?.key);
    },

    /** Creates an invited user (no password yet) and emails a one-time link that sets their password. */
    async invite(principal: Principal, input: { email: string; name: string; roleId: string; departmentId?: string | null | undefined }, client: ClientInfo) {
      const role = await Role.findOne({ tenantId: principal.tenantId, _id: oid(input.roleId) }).lean();
      if (!role) throw AppError.invalidField('roleId', 'is not a role of this agency');
      if (role.isAdmin && !principal.role.isAdmin) throw new AppError('forbidden', 'Only an admin can invite another admin');
      if (String(role._id) !== principal.role.id) assertCan(principal, 'user', 'assign');
      const departmentId = await assertOrgNode(principal.tenantId, input.departmentId, 'department', 'departmentId');
      const emailNormalized = input.email.toLowerCase();
      let user: User;
      try {
        user = (await User.create({ tenantId: principal.tenantId, email: input.email, emailNormalized, name: input.name, roleId: role._id, departmentId, status: 'invited' })).toObject();
      } catch (error) {
        if (isDuplicateKeyError(error)) throw new AppError('conflict', 'This email already has an account; ask them to sign in', { errors: [{ field: 'email', code: 'taken', message: 'already has an account' }] });
        throw error;
      }
      const inviter = await User.findOne({ tenantId: principal.tenantId, _id: principal.userId }).select('name').lean();
      await sendInvitation(user, inviter?.name ?? 'An administrator');
      await events.publish({ type: 'user.invited', tenantId: principal.tenantId, resource: 'user', resourceId: String(user._id), actor: actorOf(principal, client), changes: diff({}, { email: user.email, name: user.name, roleId: String(role._id), status: 'invited' }) });
      return toUserDto(user, role.key);
    },

    /** Sends a fresh invitation to a user who has not accepted yet; earlier links stop working. */
    async resendInvitation(principal: Principal, id: string, client: ClientInfo) {
      const user = await findUser(principal.tenantId, id);
      if (user.status !== 'invited') throw new AppError('conflict', 'This user has already accepted their invitation');
      const inviter = await User.findOne({ tenantId: principal.tenantId, _id: principal.userId }).select('name').lean();
      await sendInvitation(user, inviter?.name ?? 'An administrator');
      await events.publish({ type: 'user.invitation_resent', tenantId: principal.tenantId, resource: 'user', resourceId: String(user._id), actor: actorOf(principal, client) });
    },

    /** Public: sets the invited user's password (and name), activates them and signs them in. */
    async acceptInvitation(input: { token: string; name?: string | undefined; password: string }, client: ClientInfo) {
      const claimed = await claimToken(input.token, 'invitation');
      const passwordHash = await hashPassword(input.password);
      const user = await updateUser({ tenantId: claimed.tenantId, _id: claimed.userId, status: 'invited' }, { $set: { passwordHash, status: 'active', ...(input.name ? { name: input.name } : {}) } });
      if (!user) throw new AppError('validation_failed', 'This link is not valid any more; ask for a new one', { errors: [{ field: 'token', code: 'invalid_token', message: 'is unknown, used or expired' }] });
      await events.publish({ type: 'user.activated', tenantId: user.tenantId, resource: 'user', resourceId: String(user._id), actor: { tenantId: user.tenantId, userId: user._id, apiKeyId: null, ...client }, changes: { status: { from: 'invited', to: 'active' } } });
      return auth.startSession(user, client);
    },

    /** Admin changes to a user: role (needs user:assign), organisation placement, status. */
    async update(principal: Principal, id: string, input: { name?: string | undefined; roleId?: string | undefined; departmentId?: string | null | undefined; unitId?: string | null | undefined; designationId?: string | null | undefined; managerId?: string | null | undefined; status?: 'active' | 'disabled' | undefined }, client: ClientInfo, ifMatch?: number) {
      const user = await findUser(principal.tenantId, id);
      const roles = await roleKeys(principal.tenantId);
      const versionOf = (u: User) => (u as { version?: number }).version ?? 0;
      const stale = (current: User) => new AppError('version_conflict', `The user was changed by someone else (now version ${versionOf(current)}); reload and try again`, { extensions: { current: toUserDto(current, roles.get(String(current.roleId))?.key) } });
      if (ifMatch !== undefined && versionOf(user) !== ifMatch) throw stale(user);
      const currentRole = roles.get(String(user.roleId));
      const isSelf = user._id.equals(principal.userId);
      if (currentRole?.isAdmin && !principal.role.isAdmin) throw new AppError('forbidden', 'Only an admin can change an admin');
      const set: Record<string, unknown> = {};
      if (input.name !== undefined) set.name = input.name;
      if (input.roleId !== undefined && input.roleId !== String(user.roleId)) {
        assertCan(principal, 'user', 'assign');
        const role = roles.get(input.roleId);
        if (!role) throw AppError.invalidField('roleId', 'is not a role of this agency');
        if (role.isAdmin && !principal.role.isAdmin) throw new AppError('forbidden', 'Only an admin can make someone an admin');
        if (isSelf) throw new AppError('forbidden', 'You cannot change your own role; ask another admin');
        set.roleId = oid(input.roleId);
      }
      if (input.departmentId !== undefined) set.departmentId = await assertOrgNode(principal.tenantId, input.departmentId, 'department', 'departmentId');
      if (input.unitId !== undefined) set.unitId = await assertOrgNode(principal.tenantId, input.unitId, 'unit', 'unitId');
      if (input.designationId !== undefined) set.designationId = await assertOrgNode(principal.tenantId, input.designationId, 'designation', 'designationId');
      if (input.managerId !== undefined) {
        if (input.managerId && !(await User.exists({ tenantId: principal.tenantId, _id: oid(input.managerId) }))) throw AppError.invalidField('managerId', 'is not a user of this agency');
        if (input.managerId === id) throw AppError.invalidField('managerId', 'cannot be the user themselves');
        set.managerId = input.managerId ? oid(input.managerId) : null;
      }
      if (input.status !== undefined && input.status !== user.status) {
        if (isSelf) throw new AppError('forbidden', 'You cannot change your own status; ask another admin');
        if (user.status === 'invited') throw new AppError('conflict', 'An invited user becomes active by accepting the invitation');
        set.status = input.status;
      }
      const losesAdmin = currentRole?.isAdmin && user.status === 'active' && ((set.roleId && !roles.get(String(set.roleId))?.isAdmin) || set.status === 'disabled');
      if (losesAdmin && (await activeAdminCount(principal.tenantId)) <= 1) throw new AppError('conflict', 'This is the last active admin of the agency; make someone else admin first');
      const before = { name: user.name, roleId: String(user.roleId), departmentId: user.departmentId ? String(user.departmentId) : null, unitId: user.unitId ? String(user.unitId) : null, designationId: user.designationId ? String(user.designationId) : null, managerId: user.managerId ? String(user.managerId) : null, status: user.status };
      const changes = diff(before, Object.fromEntries(Object.entries(set).map(([k, v]) => [k, v instanceof Types.ObjectId ? String(v) : v])));
      if (Object.keys(changes).length === 0) return toUserDto(user, currentRole?.key);
      let updated: User | null;
      if (ifMatch === undefined) updated = await updateUser({ tenantId: principal.tenantId, _id: user._id }, { $set: set, $inc: { version: 1 } });
      else {
        // Conditional: only the writer that claims the next version writes (FerretDB does not make the check and the write one step).
        if (!(await writeVersion(User, { _id: user._id, version: versionOf(user) }, { $set: set }))) throw stale(await findUser(principal.tenantId, id));
        updated = await User.findOne({ tenantId: principal.tenantId, _id: user._id }).lean<User>();
      }
      if (!updated) throw AppError.notFound('User');
      if (set.status === 'disabled') await auth.revokeUserSessions(principal.tenantId, user._id, 'user disabled');
      await events.publish({ type: changes.roleId ? 'user.role_changed' : 'user.updated', tenantId: principal.tenantId, resource: 'user', resourceId: id, actor: actorOf(principal, client), changes });
      return toUserDto(updated, roles.get(String(updated.roleId))?.key);
    },

    /** The caller's own profile: name, phone, picture, locale, time zone, notification settings. */
    async updateProfile(principal: Principal, input: { name?: string | undefined; phone?: string | null | undefined; pictureUrl?: string | null | undefined; locale?: string | undefined; timeZone?: string | undefined; notificationSettings?: Record<string, unknown> | undefined }, client: ClientInfo) {
      if (principal.kind !== 'user') throw new AppError('forbidden', 'A secret key cannot change a profile; sign in as the user');
      const user = await findUser(principal.tenantId, String(principal.userId));
      const set: Record<string, unknown> = {};
      for (const key of ['name', 'phone', 'pictureUrl', 'locale', 'timeZone'] as const) if (input[key] !== undefined) set[key] = input[key];
      if (input.notificationSettings) set.notificationSettings = { ...((user.notificationSettings as Record<string, unknown>) ?? {}), ...input.notificationSettings };
      const changes = diff(user as unknown as Record<string, unknown>, set);
      if (Object.keys(changes).length === 0) return toUserDto(user, principal.role.key);
      const updated = await updateUser({ tenantId: principal.tenantId, _id: user._id }, { $set: set, $inc: { version: 1 } });
      await events.publish({ type: 'user.profile_updated', tenantId: principal.tenantId, resource: 'user', resourceId: String(user._id), actor: actorOf(principal, client), changes });
      return toUserDto(updated!, principal.role.key);
    },

    /** Changes the caller's password after checking the current one; every other session is signed out. */
    async changePassword(principal: Principal, input: { currentPassword: string; newPassword: string }, client: ClientInfo) {
      if (principal.kind !== 'user') throw new AppError('forbidden', 'A secret key cannot change a password; sign in as the user');
      const user = await User.findOne({ tenantId: principal.tenantId, _id: principal.userId }).select('+passwordHash').lean();
      if (!user?.passwordHash || !(await verifyPassword(user.passwordHash, input.currentPassword))) {
        throw new AppError('validation_failed', 'The current password is not correct', { errors: [{ field: 'currentPassword', code: 'incorrect', message: 'is not correct' }] });
      }
      if (input.currentPassword === input.newPassword) throw AppError.invalidField('newPassword', 'must differ from the current password', 'unchanged');
      await User.updateOne({ tenantId: principal.tenantId, _id: user._id }, { $set: { passwordHash: await hashPassword(input.newPassword) } });
      const revoked = await auth.revokeUserSessions(principal.tenantId, user._id, 'password changed', principal.sessionId);
      await events.publish({ type: 'user.password_changed', tenantId: principal.tenantId, resource: 'user', resourceId: String(user._id), actor: actorOf(principal, client), data: { otherSessionsRevoked: revoked } });
    },

    /**
     * Public: emails a reset link when the address belongs to an active user. The caller learns nothing
     * either way (the route always answers 202 and does this work after answering).
     */
    async requestPasswordReset(emailAddress: string, client: ClientInfo): Promise<void> {
      const user = await User.findOne({ emailNormalized: emailAddress.toLowerCase() }).setOptions({ crossTenant: 'a reset request finds the agency by email' }).lean();
      if (!user || user.status !== 'active') return;
      // Claim one of this clock hour's RESETS_PER_HOUR sends by inserting its slot under the unique
      // tokenHash index: concurrent requests (this work runs after the 202) cannot share a slot, whereas a
      // count or a conditional update can be passed by all of them at once (FerretDB v1 included).
      const hour = Math.floor(Date.now() / 3600_000);
      let slot = 0;
      for (let n = 1; n <= RESETS_PER_HOUR && !slot; n += 1) {
        try {
          await UserToken.create({ tenantId: user.tenantId, userId: user._id, kind: 'resetSlot', tokenHash: `reset-slot:${String(user._id)}:${hour}:${n}`, expiresAt: new Date((hour + 2) * 3600_000), usedAt: new Date() });
          slot = n;
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
        }
      }
      if (!slot) return;
      const token = randomToken('rst_');
      const mine = await UserToken.create({ tenantId: user.tenantId, userId: user._id, kind: 'passwordReset', tokenHash: sha256(token), expiresAt: new Date(Date.now() + RESET_TTL_MS) });
      // Only the newest link works.
      await UserToken.updateMany({ tenantId: user.tenantId, userId: user._id, kind: 'passwordReset', usedAt: null, _id: op({ $ne: mine._id }) }, { $set: { usedAt: new Date() } });
      const tenant = await Tenant.findById(user.tenantId).select('name').lean();
      await mailer.sendTemplate(user.email, 'passwordReset', { name: user.name, agencyName: tenant?.name ?? 'your agency', link: `${mailer.linkBase}/reset-password?token=${encodeURIComponent(token)}` });
      await events.publish({ type: 'user.password_reset_requested', tenantId: user.tenantId, resource: 'user', resourceId: String(user._id), actor: { tenantId: user.tenantId, userId: null, apiKeyId: null, ...client } });
    },

    /** Public: sets a new password with a one-time reset token (1 h) and signs out every session. */
    async confirmPasswordReset(input: { token: string; password: string }, client: ClientInfo) {
      const claimed = await claimToken(input.token, 'passwordReset');
      const user = await updateUser({ tenantId: claimed.tenantId, _id: claimed.userId, status: 'active' }, { $set: { passwordHash: await hashPassword(input.password) } });
      if (!user) throw new AppError('validation_failed', 'This link is not valid any more; ask for a new one', { errors: [{ field: 'token', code: 'invalid_token', message: 'is unknown, used or expired' }] });
      await auth.revokeUserSessions(user.tenantId, user._id, 'password reset');
      await auth.clearLockout(user.email);
      await events.publish({ type: 'user.password_reset', tenantId: user.tenantId, resource: 'user', resourceId: String(user._id), actor: { tenantId: user.tenantId, userId: user._id, apiKeyId: null, ...client } });
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
