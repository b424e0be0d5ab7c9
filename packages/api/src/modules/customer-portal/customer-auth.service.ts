import { createHmac, timingSafeEqual } from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import type { CustomerPrincipal } from '../../platform/access/customer.js';
import { CUSTOMER_ACCESS_TOKEN_TTL_SECONDS, signCustomerAccessToken, verifyCustomerAccessToken, type CustomerAuthenticator } from '../../platform/auth/customer-guard.js';
import type { LoginThrottle } from '../../platform/auth/login-throttle.js';
import { claimOnce } from '../../platform/db/claim-once.js';
import { hashPassword, verifyDecoy, verifyPassword } from '../../platform/auth/passwords.js';
import { PrincipalCache, readAccessVersion } from '../../platform/auth/principal-cache.js';
import { randomToken, sha256 } from '../../platform/auth/tokens.js';
import { AppError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import { customerModel } from '../customers/customer.model.js';
import { tenantModel } from '../identity/tenant.model.js';
import { apiKeyModel } from '../api-keys/api-key.model.js';
import { isOfAudience, ofAudience, refreshTokenModel, sessionModel } from '../identity/session.model.js';
import { customerLinkModel, customerUserModel, type CustomerUser } from './customer-user.model.js';
import { toCustomerUserDto } from './customer-portal.dto.js';

/** A magic link opens a session for 15 minutes after it was sent, once. */
export const MAGIC_LINK_TTL_MS = 15 * 60_000;
const REFRESH_TTL_MS = 30 * 24 * 3600_000;
// How long a customer's account tree may be reused while nothing about the customer changed.
const TREE_MAX_AGE_MS = 30_000;

export interface ClientInfo {
  ip: string;
  userAgent: string;
}

const signedOut = () => new AppError('unauthenticated', 'The portal session has ended; sign in again');
const badLink = () => new AppError('unauthenticated', 'This sign-in link is not valid, was used already or has expired (links work once, for 15 minutes); ask for a new one');

/**
 * Customer identities' sign-in and session life cycle: magic links (HMAC-signed, stored as a hash,
 * claimed by one atomic update, 15 minutes), optional passwords, rotating refresh tokens, and the
 * authenticator behind the customer guard. Sessions and refresh tokens are the agents' model
 * (identity/session.model.ts) with `audience: 'customer'`, and its access tokens carry another audience.
 */
export function createCustomerAuthService(deps: { connection: Connection; jwtSecret: string; events: EventBus; mailer: Mailer; throttle: LoginThrottle; publicBase: string }) {
  const { connection, jwtSecret, events, mailer } = deps;
  const CustomerUserModel = customerUserModel(connection);
  // The one session model, as agents' sessions; every read and write keeps to the customer audience.
  const Session = sessionModel(connection);
  const RefreshToken = refreshTokenModel(connection);
  const Link = customerLinkModel(connection);
  const Tenant = tenantModel(connection);
  const Account = customerModel(connection);
  const ApiKey = apiKeyModel(connection);
  const linkKey = createHmac('sha256', jwtSecret).update('customer-portal magic link').digest();
  const cache = new PrincipalCache<CustomerPrincipal>(10_000, TREE_MAX_AGE_MS);

  const signLink = (body: string) => createHmac('sha256', linkKey).update(body).digest('base64url').slice(0, 32);

  /** `ml_<random>.<expiry in base 36>.<signature>`: a forged or altered link is refused before any lookup. */
  function mintLink(expiresAt: Date): string {
    const body = `${randomToken('ml_')}.${expiresAt.getTime().toString(36)}`;
    return `${body}.${signLink(body)}`;
  }

  function checkLinkSignature(token: string): boolean {
    const match = /^(ml_[A-Za-z0-9_-]{20,100}\.([0-9a-z]{1,12}))\.([A-Za-z0-9_-]{32})$/.exec(token);
    if (!match) return false;
    const expected = Buffer.from(signLink(match[1]!));
    const given = Buffer.from(match[3]!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return false;
    return parseInt(match[2]!, 36) > Date.now();
  }

  async function tenantBySlug(slug: string) {
    return Tenant.findOne({ slug: slug.trim().toLowerCase() }).select('_id name slug').setOptions({ crossTenant: 'the portal names its agency by slug before anyone signs in' }).lean();
  }

  /** The hosted portal of an agency, where links land when no host page is named. */
  const hostedPortal = (slug: string) => `${deps.publicBase}/portal/${encodeURIComponent(slug)}`;

  /**
   * Where a link may land: the agency's hosted portal, or a page on an origin one of its publishable keys
   * allows (the sites it embeds the portal in). Anything else is refused, so a link never carries a
   * sign-in token to a page the agency did not choose.
   */
  async function landingUrl(tenantId: Types.ObjectId, slug: string, returnUrl: string | undefined): Promise<string> {
    if (!returnUrl) return hostedPortal(slug);
    let url: URL;
    try {
      url = new URL(returnUrl);
    } catch {
      throw AppError.invalidField('returnUrl', 'is not an absolute URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw AppError.invalidField('returnUrl', 'must be an http(s) URL');
    url.hash = '';
    if (url.href.startsWith(`${hostedPortal(slug)}`)) return url.href;
    const allowed = await ApiKey.exists({ tenantId, kind: 'publishable', revokedAt: null, allowedOrigins: url.origin });
    if (!allowed) throw AppError.invalidField('returnUrl', "is not on an origin the agency's publishable keys allow, nor its hosted portal");
    return url.href;
  }

  async function accountTree(user: Pick<CustomerUser, 'tenantId' | 'accountId' | 'role'>): Promise<Types.ObjectId[]> {
    if (user.role !== 'customer_case_manager' || !user.accountId) return [];
    // The materialized path makes the subtree one equality query on an indexed top-level array.
    const below = await Account.find({ tenantId: user.tenantId, ancestorIds: user.accountId }).select('_id').limit(5000).lean();
    return [user.accountId, ...below.map((a) => a._id)];
  }

  async function issueTokens(user: CustomerUser, client: ClientInfo, sessionId?: Types.ObjectId) {
    let sid = sessionId;
    if (!sid) {
      const session = await Session.create({ tenantId: user.tenantId, audience: 'customer', userId: user._id, userAgent: client.userAgent.slice(0, 500), ip: client.ip, expiresAt: new Date(Date.now() + REFRESH_TTL_MS) });
      sid = session._id;
    }
    const refreshToken = randomToken('crt_');
    await RefreshToken.create({ tenantId: user.tenantId, audience: 'customer', sessionId: sid, tokenHash: sha256(refreshToken), expiresAt: new Date(Date.now() + REFRESH_TTL_MS) });
    return {
      accessToken: signCustomerAccessToken(jwtSecret, { sub: String(user._id), tid: String(user.tenantId), sid: String(sid) }),
      refreshToken,
      tokenType: 'Bearer' as const,
      expiresIn: CUSTOMER_ACCESS_TOKEN_TTL_SECONDS,
      customer: toCustomerUserDto(user),
    };
  }

  async function markSignedIn(user: CustomerUser, client: ClientInfo, how: 'link' | 'password') {
    await CustomerUserModel.updateOne({ tenantId: user.tenantId, _id: user._id }, { $set: { lastSignInAt: new Date() } });
    await events.publish({ type: 'customerUser.signed_in', tenantId: user.tenantId, resource: 'customerUser', resourceId: String(user._id), actor: { tenantId: user.tenantId, userId: null, apiKeyId: null, ...client }, data: { how } });
  }

  const service = {
    /** Sends a sign-in link to a customer of an agency (or an invitation, `kind`), landing on `landing`. */
    async sendLink(user: CustomerUser, kind: 'invitation' | 'signIn', landing: string, extra: { agencyName: string; inviterName?: string }) {
      const expiresAt = new Date(Date.now() + MAGIC_LINK_TTL_MS);
      const token = mintLink(expiresAt);
      await Link.create({ tenantId: user.tenantId, customerUserId: user._id, kind, tokenHash: sha256(token), expiresAt });
      const link = `${landing}#crm-portal-link=${encodeURIComponent(token)}`;
      if (kind === 'invitation') await mailer.sendTemplate(user.email, 'customerInvitation', { name: user.name, inviterName: extra.inviterName ?? extra.agencyName, agencyName: extra.agencyName, link });
      else await mailer.sendTemplate(user.email, 'customerSignIn', { name: user.name, agencyName: extra.agencyName, link });
    },

    landingUrl,
    hostedPortal,

    /**
     * Emails a sign-in link when the address belongs to an invited or active customer of the agency.
     * Answers the same whether or not it does, so the portal never tells who is a customer.
     */
    async requestLink(input: { tenant: string; email: string; returnUrl?: string | undefined }, client: ClientInfo): Promise<void> {
      const tenant = await tenantBySlug(input.tenant);
      if (!tenant) return;
      const landing = await landingUrl(tenant._id, tenant.slug, input.returnUrl);
      const user = await CustomerUserModel.findOne({ tenantId: tenant._id, emailNormalized: input.email.trim().toLowerCase() }).lean();
      if (!user || user.status === 'disabled') return;
      await service.sendLink(user, 'signIn', landing, { agencyName: tenant.name });
      await events.publish({ type: 'customerUser.link_sent', tenantId: tenant._id, resource: 'customerUser', resourceId: String(user._id), actor: { tenantId: tenant._id, userId: null, apiKeyId: null, ...client } });
    },

    /** Trades a magic link for a session: the link's signature and expiry first, then one claim (a unique insert: platform/db/claim-once.ts). */
    async exchangeLink(token: string, client: ClientInfo) {
      if (!checkLinkSignature(token)) throw badLink();
      const now = new Date();
      const claimed = await Link.findOne({ tokenHash: sha256(token), usedAt: null }).setOptions({ crossTenant: 'a sign-in link names its agency' }).lean();
      if (!claimed || claimed.expiresAt <= now || !(await claimOnce(connection, `customer-link:${String(claimed._id)}`, { until: claimed.expiresAt }))) throw badLink();
      await Link.updateOne({ tenantId: claimed.tenantId, _id: claimed._id }, { $set: { usedAt: now } });
      const user = await CustomerUserModel.findOne({ tenantId: claimed.tenantId, _id: claimed.customerUserId }).lean();
      if (!user || user.status === 'disabled') throw badLink();
      if (user.status === 'invited') {
        // The first link used proves the address: the invitation is accepted.
        await CustomerUserModel.updateOne({ tenantId: user.tenantId, _id: user._id, status: 'invited' }, { $set: { status: 'active' } });
        user.status = 'active';
      }
      await markSignedIn(user, client, 'link');
      return issueTokens(user, client);
    },

    /** Signs in with a password the customer set; every failure looks alike and is throttled like agents'. */
    async passwordSignIn(input: { tenant: string; email: string; password: string }, client: ClientInfo) {
      const key = `portal:${input.tenant.trim().toLowerCase()}:${input.email.trim().toLowerCase()}`;
      await deps.throttle.assertMayTry(key, client.ip);
      const tenant = await tenantBySlug(input.tenant);
      const user = tenant ? await CustomerUserModel.findOne({ tenantId: tenant._id, emailNormalized: input.email.trim().toLowerCase() }).select('+passwordHash').lean() : null;
      const ok = user?.passwordHash && user.status === 'active' ? await verifyPassword(user.passwordHash, input.password) : await verifyDecoy(input.password);
      if (!ok || !user) {
        await deps.throttle.recordFailure(key, client.ip);
        throw new AppError('unauthenticated', 'The email or password is not correct');
      }
      await deps.throttle.recordSuccess(key, client.ip);
      const { passwordHash: _hash, ...plain } = user;
      await markSignedIn(plain as CustomerUser, client, 'password');
      return issueTokens(plain as CustomerUser, client);
    },

    /** Rotates a refresh token; a used one presented again revokes its whole session. */
    async refresh(refreshToken: string, client: ClientInfo) {
      const tokenHash = sha256(refreshToken);
      const now = new Date();
      const found = await RefreshToken.findOne({ tokenHash, usedAt: null, ...ofAudience('customer') }).setOptions({ crossTenant: 'a refresh token finds its session' }).lean();
      const claimed = found && (await claimOnce(connection, `refresh:${String(found._id)}`, { until: found.expiresAt })) ? found : null;
      if (claimed) await RefreshToken.updateOne({ tenantId: claimed.tenantId, _id: claimed._id }, { $set: { usedAt: now } });
      if (!claimed) {
        const reused = await RefreshToken.findOne({ tokenHash, ...ofAudience('customer') }).setOptions({ crossTenant: 'reuse detection' }).lean();
        if (reused) await Session.updateOne({ tenantId: reused.tenantId, _id: reused.sessionId, revokedAt: null, ...ofAudience('customer') }, { $set: { revokedAt: now, revokedReason: 'refresh token reused' } });
        throw new AppError('unauthenticated', 'The refresh token is not valid; sign in again');
      }
      const session = await Session.findOne({ tenantId: claimed.tenantId, _id: claimed.sessionId }).lean();
      if (!session || !isOfAudience(session, 'customer') || session.revokedAt || session.expiresAt < now || claimed.expiresAt < now) throw signedOut();
      const user = await CustomerUserModel.findOne({ tenantId: claimed.tenantId, _id: session.userId }).lean();
      if (!user || user.status !== 'active') throw signedOut();
      await Session.updateOne({ tenantId: session.tenantId, _id: session._id }, { $set: { lastUsedAt: now, ip: client.ip } });
      return issueTokens(user, client, session._id);
    },

    /** Ends the caller's session: its refresh tokens stop working and its access tokens are refused. */
    async signOut(customer: CustomerPrincipal) {
      await Session.updateOne({ tenantId: customer.tenantId, _id: new Types.ObjectId(customer.sessionId), userId: customer.customerUserId, revokedAt: null, ...ofAudience('customer') }, { $set: { revokedAt: new Date(), revokedReason: 'signed out' } });
      await events.publish({ type: 'customerUser.signed_out', tenantId: customer.tenantId, resource: 'customerUser', resourceId: String(customer.customerUserId), actor: null, data: { sessionId: customer.sessionId } });
    },

    /** Ends every session of a customer (disabled, role changed, password set elsewhere). */
    async revokeAll(tenantId: Types.ObjectId, customerUserId: Types.ObjectId, reason: string, keepSessionId?: string) {
      const filter: Record<string, unknown> = { tenantId, userId: customerUserId, revokedAt: null, ...ofAudience('customer') };
      const sessions = await Session.find(filter).select('_id').lean();
      for (const s of sessions) if (String(s._id) !== keepSessionId) await Session.updateOne({ tenantId, _id: s._id, revokedAt: null }, { $set: { revokedAt: new Date(), revokedReason: reason } });
    },

    /** Sets or changes the caller's password (the current one is needed when there is one). */
    async setPassword(customer: CustomerPrincipal, input: { password: string; currentPassword?: string | undefined }) {
      const user = await CustomerUserModel.findOne({ tenantId: customer.tenantId, _id: customer.customerUserId }).select('+passwordHash').lean();
      if (!user) throw signedOut();
      if (user.passwordHash && !(input.currentPassword && (await verifyPassword(user.passwordHash, input.currentPassword)))) {
        throw AppError.invalidField('currentPassword', 'is not your current password', 'incorrect');
      }
      await CustomerUserModel.updateOne({ tenantId: customer.tenantId, _id: customer.customerUserId }, { $set: { passwordHash: await hashPassword(input.password) } });
      await service.revokeAll(customer.tenantId, customer.customerUserId, 'password changed', customer.sessionId);
    },

    /** The authenticator of the customer guard: a live session of an active customer, with its account tree. */
    authenticate: (async (_req, credential) => {
      const claims = verifyCustomerAccessToken(jwtSecret, credential);
      if (!claims || !Types.ObjectId.isValid(claims.tid) || !Types.ObjectId.isValid(claims.sub) || !Types.ObjectId.isValid(claims.sid)) return null;
      const tenantId = new Types.ObjectId(claims.tid);
      const key = `${claims.tid}:${claims.sub}:${claims.sid}`;
      const version = await readAccessVersion(connection, tenantId);
      const cached = cache.get(key, version);
      if (cached) return cached;
      const session = await Session.findOne({ tenantId, _id: new Types.ObjectId(claims.sid) }).lean();
      if (!session || !isOfAudience(session, 'customer') || session.revokedAt || session.expiresAt <= new Date() || String(session.userId) !== claims.sub) return null;
      const user = await CustomerUserModel.findOne({ tenantId, _id: session.userId }).lean();
      if (!user || user.status !== 'active') return null;
      const principal: CustomerPrincipal = {
        kind: 'customer',
        tenantId,
        customerUserId: user._id,
        contactId: user.contactId,
        accountId: user.accountId,
        role: user.role,
        accountIds: await accountTree(user),
        sessionId: claims.sid,
      };
      cache.set(key, version, principal, claims.exp ? claims.exp * 1000 : undefined);
      return principal;
    }) as CustomerAuthenticator,

    accountTree,
    tenantBySlug,
  };
  return service;
}

export type CustomerAuthService = ReturnType<typeof createCustomerAuthService>;
