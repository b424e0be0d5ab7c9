import { createContext } from '@lit/context';
import type { CrmSession, RequestOptions, User } from '@crm/client-sdk';

/**
 * The signed-in person: the fields of the SDK's `User` the elements read (id, name and email required,
 * so a host may hand the provider just those).
 */
export type CrmUser = Pick<User, 'id' | 'name' | 'email'> & Partial<Pick<User, 'locale' | 'timeZone' | 'pictureUrl' | 'roleId'>>;

/** Per-call options every SDK call accepts. */
export type CrmRequestOptions = Pick<RequestOptions, 'signal'>;

/** The signed-in user's session of a client: the part of the SDK's `CrmSession` the provider calls (its user read as `CrmUser`). */
export type CrmClientSession = { readonly user: CrmUser | undefined } & Pick<CrmSession, 'login'> & Partial<Pick<CrmSession, 'signOut'>>;

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
