import { createContext } from '@lit/context';

/** The signed-in person: the fields of the API's `User` the elements read. */
export interface CrmUser {
  id: string;
  name: string;
  email: string;
  locale?: string;
  timeZone?: string;
  pictureUrl?: string | null;
  roleId?: string;
}

/** Per-call options every SDK call accepts. */
export interface CrmRequestOptions {
  signal?: AbortSignal;
}

/** The signed-in user's session of a client (`crm.session` in `@crm/client-sdk`). */
export interface CrmClientSession {
  /** The user the last login or refresh answered with. */
  readonly user: CrmUser | undefined;
  /** Logs in with email and password and keeps the tokens. */
  login(credentials: { email: string; password: string }, options?: CrmRequestOptions): Promise<unknown>;
  /** Ends the session on the API and forgets the tokens (the SDK's `session.signOut`). */
  signOut?(options?: CrmRequestOptions): Promise<unknown>;
}

/**
 * The part of an `@crm/client-sdk` client the elements call. It is declared structurally rather
 * than imported, so any client of that shape fits: the SDK's session client, its publishable-key
 * client (which has no session), a host's wrapper, or a test double. Elements that call more of the
 * SDK widen this type where they use it. (`object &` keeps a client without a session, such as the
 * publishable-key one, assignable: an all-optional type rejects objects it shares no key with.)
 */
export type CrmClient = object & {
  /** Present on clients that sign a user in; absent or null for publishable-key and secret-key clients. */
  readonly session?: CrmClientSession | null;
};

/** How `<crm-provider base-url=...>` builds a client when the host did not hand it one. */
export type CrmClientFactory = (options: { baseUrl: string; publishableKey?: string }) => CrmClient;

/** The SDK client shared by every element under a `<crm-provider>`. */
export const clientContext = createContext<CrmClient | undefined>(Symbol('crm-client'));
