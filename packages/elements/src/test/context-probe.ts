import { consume } from '@lit/context';
import { html } from 'lit';
import { state } from 'lit/decorators.js';
import { clientContext, type CrmClient, type CrmUser } from '../context/client-context.js';
import { userContext } from '../context/user-context.js';
import { CrmElement } from '../shared/crm-element.js';

/** A test-only consumer that exposes what the nearest provider supplies. */
export class CrmContextProbe extends CrmElement {
  @consume({ context: clientContext, subscribe: true })
  @state()
  client?: CrmClient;

  @consume({ context: userContext, subscribe: true })
  @state()
  user?: CrmUser;

  get locale(): string {
    return this.activeLocale;
  }

  get timeZone(): string | undefined {
    return this.localeSettings?.timeZone;
  }

  override render() {
    return html`<p>${this.msg('state.loading')}</p>`;
  }
}
CrmContextProbe.define('crm-context-probe');

declare global {
  interface HTMLElementTagNameMap {
    'crm-context-probe': CrmContextProbe;
  }
}

/** A user as the API would return it. */
export function makeUser(overrides: Partial<CrmUser> = {}): CrmUser {
  return { id: '65a1b2c3d4e5f60718293a4b', name: 'Ada Lovelace', email: 'ada@example.com', ...overrides };
}

/**
 * A session-client double shaped like `@crm/client-sdk`'s: `login` resolves with tokens and sets
 * `session.user` to `user`, or rejects with `failure`. It records the credentials it was called with.
 */
export function makeClient(options: { user?: CrmUser; failure?: Error } = {}) {
  const calls: Array<{ email: string; password: string }> = [];
  let signedIn: CrmUser | undefined;
  const client: CrmClient = {
    session: {
      get user() {
        return signedIn;
      },
      login: async (credentials) => {
        if (!credentials) throw new Error('The double signs in with credentials only');
        calls.push(credentials);
        if (options.failure) throw options.failure;
        signedIn = options.user ?? makeUser();
        return { accessToken: 'access', refreshToken: 'refresh', expiresIn: 900, tokenType: 'Bearer' };
      },
    },
  };
  return { client, calls };
}
