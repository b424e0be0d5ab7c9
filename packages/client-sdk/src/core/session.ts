import type { components } from '../generated/openapi.js';
import type { User } from '../resources/users.js';
import { CrmAuthenticationError, CrmError } from './errors.js';
import type { RequestOptions } from './request-options.js';
import type { TokenSource, Transport } from './transport.js';

/** The answer of `POST /v1/auth/login` and `POST /v1/auth/refresh`: tokens, their lifetime and the user. */
export type LoginResult = components['schemas']['SessionTokens'];
/** The body of `POST /v1/auth/register`: the new agency and its first admin. */
export type RegisterParams = components['schemas']['RegisterRequest'];
/**
 * The answer of `POST /v1/auth/register`: always `accepted`, whether or not the email has an account
 * (the email then carries the link that finishes signing up, or says the account exists).
 */
export type RegisterResult = components['schemas']['Accepted'];
/** The body of `POST /v1/auth/register/confirm`: the token of the emailed sign-up link. */
export type ConfirmRegistrationParams = components['schemas']['RegisterConfirmRequest'];
/** The answer of confirming a sign-up: a signed-in session for the new admin plus the new agency (tenant). */
export type ConfirmRegistrationResult = components['schemas']['RegisterResponse'];
/** The body of `crm.session.acceptInvitation`: the emailed token, and the password to set. */
export type AcceptInvitationParams = components['schemas']['AcceptInvitationRequest'];
/** The answer of accepting an invitation: a signed-in session for the new user. */
export type AcceptInvitationResult = components['schemas']['AcceptInvitationResponse'];

/** The tokens of a signed-in user, as the host may persist them. */
export interface SessionTokens {
  /** The short-lived JWT sent as the bearer token. */
  accessToken: string;
  /** The single-use token that buys the next access token; it rotates on every refresh. */
  refreshToken: string;
  /** When the access token expires, in epoch milliseconds, when known. */
  expiresAt?: number | undefined;
}

/** Auth of a signed-in user: log in with email and password, or resume from tokens the host kept. */
export interface SessionAuth {
  /** Selects session auth. */
  type: 'session';
  /** With `password`, lets the client log in, and log in again when the refresh token is refused. */
  email?: string | undefined;
  /** The password that goes with `email`. */
  password?: string | undefined;
  /** An access token from an earlier session, e.g. read back from storage. */
  accessToken?: string | undefined;
  /** The refresh token from an earlier session; it works once, so persist the new one `onTokens` gives. */
  refreshToken?: string | undefined;
  /**
   * Called with the new tokens after every login and refresh (persist them: the old refresh token is now
   * spent), and with null when the session ended. A hook that throws fails the call that caused the renewal.
   */
  onTokens?: ((tokens: SessionTokens | null) => void | Promise<void>) | undefined;
  /** Refresh this long before the access token expires. Default 30000 ms. */
  refreshLeewayMs?: number | undefined;
}

/**
 * The signed-in user's session behind a `session` client (`crm.session`): it logs in, refreshes before
 * expiry or after a 401 `unauthenticated`, and makes concurrent calls share one refresh request.
 */
export class CrmSession implements TokenSource {
  readonly #transport: Transport;
  readonly #options: SessionAuth;
  #tokens: Partial<SessionTokens>;
  #user: User | undefined;
  #renewal: Promise<SessionTokens> | undefined;

  /** `transport` must carry no token source: login and refresh authenticate with their bodies. */
  constructor(transport: Transport, options: SessionAuth) {
    this.#transport = transport;
    this.#options = options;
    this.#tokens = {
      accessToken: options.accessToken,
      refreshToken: options.refreshToken,
      expiresAt: options.accessToken ? jwtExpiry(options.accessToken) : undefined,
    };
  }

  /** The current tokens, or null before the first login. */
  get tokens(): SessionTokens | null {
    const { accessToken, refreshToken, expiresAt } = this.#tokens;
    return accessToken && refreshToken ? { accessToken, refreshToken, expiresAt } : null;
  }

  /** The user the last login, registration or refresh answered with, if any. */
  get user(): User | undefined {
    return this.#user;
  }

  /** Logs in with the given credentials, or the ones the client was created with, and keeps the tokens. */
  login(credentials?: { email: string; password: string }, options?: RequestOptions): Promise<SessionTokens> {
    return this.#share(this.#login(credentials ?? this.#credentials(), options));
  }

  /** Exchanges the refresh token for new tokens now; calls made meanwhile wait for this one request. */
  refresh(): Promise<SessionTokens> {
    return this.#renewal ?? this.#share(this.#renew());
  }

  // Makes `renewal` the one every call waits for until it settles.
  #share(renewal: Promise<SessionTokens>): Promise<SessionTokens> {
    this.#renewal = renewal;
    const settle = () => {
      if (this.#renewal === renewal) this.#renewal = undefined;
    };
    renewal.then(settle, settle);
    return renewal;
  }

  /**
   * Starts signing up a new agency and its first admin. Nothing is created and nobody is signed in yet:
   * the API answers `accepted` for every email and mails a link whose token `confirmRegistration` takes.
   */
  async register(params: RegisterParams, options?: RequestOptions): Promise<RegisterResult> {
    const answer = await this.#transport.request<RegisterResult>(
      { method: 'POST', path: '/v1/auth/register', body: params, authenticate: false },
      options,
    );
    return answer.data;
  }

  /** Finishes signing up with the emailed link's token: creates the agency and signs in as its admin. */
  async confirmRegistration(params: ConfirmRegistrationParams, options?: RequestOptions): Promise<ConfirmRegistrationResult> {
    const answer = await this.#transport.request<ConfirmRegistrationResult>(
      { method: 'POST', path: '/v1/auth/register/confirm', body: params, authenticate: false },
      options,
    );
    await this.#store(answer.data);
    return answer.data;
  }

  /** Accepts an invitation: sets the invited user's password and signs in as them. */
  async acceptInvitation(params: AcceptInvitationParams, options?: RequestOptions): Promise<AcceptInvitationResult> {
    const answer = await this.#transport.request<AcceptInvitationResult>(
      { method: 'POST', path: '/v1/auth/invitations/accept', body: params, authenticate: false },
      options,
    );
    await this.#store(answer.data);
    return answer.data;
  }

  /**
   * Closes the session on the API (`POST /v1/auth/logout`) and forgets the tokens, telling `onTokens` with
   * null. The tokens are forgotten even when the API cannot be reached; that error is then rethrown.
   */
  async signOut(options?: RequestOptions): Promise<void> {
    const { accessToken } = this.#tokens;
    try {
      if (accessToken) {
        await this.#transport.request(
          { method: 'POST', path: '/v1/auth/logout', headers: { Authorization: `Bearer ${accessToken}` }, authenticate: false },
          options,
        );
      }
    } catch (error) {
      // An access token the API no longer accepts means there is nothing left to close.
      if (!(error instanceof CrmAuthenticationError)) throw error;
    } finally {
      await this.#end();
    }
  }

  async #end(): Promise<void> {
    this.#tokens = {};
    this.#user = undefined;
    await this.#options.onTokens?.(null);
  }

  /** For the transport: the bearer token for the next request, renewed first when it is missing or about to expire. */
  async token(): Promise<string | undefined> {
    if (this.#renewal) return (await this.#renewal).accessToken;
    const { accessToken, refreshToken, expiresAt } = this.#tokens;
    const leeway = this.#options.refreshLeewayMs ?? 30_000;
    const fresh = accessToken !== undefined && (expiresAt === undefined || expiresAt - leeway > Date.now());
    if (fresh) return accessToken;
    if (refreshToken || this.#credentials(false)) return (await this.refresh()).accessToken;
    if (accessToken) return accessToken;
    // Nobody is signed in (never, or signed out): the API would answer 401 `unauthenticated`, so say the same
    // without a round trip, as the typed error every caller already handles by asking for a sign-in.
    throw new CrmAuthenticationError({
      status: 401,
      problem: { type: 'urn:crm:problem:unauthenticated', status: 401, code: 'unauthenticated', title: 'Authentication is required', detail: 'A session client needs email and password, or the tokens of an earlier session.' },
    });
  }

  /** For the transport, after a 401: true once a token other than `failedToken` is ready to be tried. */
  async renew(failedToken: string | undefined): Promise<boolean> {
    if (this.#renewal) {
      await this.#renewal;
      return true;
    }
    if (this.#tokens.accessToken !== undefined && this.#tokens.accessToken !== failedToken) return true;
    if (!this.#tokens.refreshToken && !this.#credentials(false)) return false;
    await this.refresh();
    return true;
  }

  async #renew(): Promise<SessionTokens> {
    const { refreshToken } = this.#tokens;
    if (refreshToken) {
      try {
        const answer = await this.#transport.request<LoginResult>({
          method: 'POST',
          path: '/v1/auth/refresh',
          body: { refreshToken },
          authenticate: false,
        });
        return await this.#store(answer.data);
      } catch (error) {
        // A refused refresh token ends the session, unless we can log in again.
        if (!(error instanceof CrmAuthenticationError)) throw error;
        if (!this.#credentials(false)) {
          await this.#end();
          throw error;
        }
      }
    }
    return this.#login(this.#credentials());
  }

  async #login(credentials: { email: string; password: string }, options?: RequestOptions): Promise<SessionTokens> {
    const answer = await this.#transport.request<LoginResult>(
      { method: 'POST', path: '/v1/auth/login', body: credentials, authenticate: false },
      options,
    );
    return this.#store(answer.data);
  }

  async #store(result: LoginResult): Promise<SessionTokens> {
    if (!result || typeof result.accessToken !== 'string' || typeof result.refreshToken !== 'string') {
      throw new CrmError('The API answered a login or refresh without accessToken and refreshToken.');
    }
    const expiresAt =
      typeof result.expiresIn === 'number' ? Date.now() + result.expiresIn * 1000 : jwtExpiry(result.accessToken);
    const tokens: SessionTokens = { accessToken: result.accessToken, refreshToken: result.refreshToken, expiresAt };
    this.#tokens = tokens;
    this.#user = result.user;
    await this.#options.onTokens?.({ ...tokens });
    return tokens;
  }

  #credentials(): { email: string; password: string };
  #credentials(required: false): { email: string; password: string } | undefined;
  #credentials(required = true): { email: string; password: string } | undefined {
    const { email, password } = this.#options;
    if (email !== undefined && password !== undefined) return { email, password };
    if (required) throw new CrmError('Logging in needs an email and a password.');
    return undefined;
  }
}

// The `exp` claim of a JWT in epoch milliseconds; we only read it to refresh early, never to trust it.
function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
