import { consume } from '@lit/context';
import type { PropertyValues } from 'lit';
import { state } from 'lit/decorators.js';
import { clientContext, type CrmClient, type CrmUser } from '../context/client-context.js';
import { signInContext } from '../context/sign-in-context.js';
import { userContext } from '../context/user-context.js';
import { CrmElement } from './crm-element.js';
import { dataClient, type CrmDataClient } from './api/transport.js';

/**
 * Base of the elements that load data: the client and user from the nearest `<crm-provider>`.
 *
 * When that provider signs people in itself, `client` stays undefined until a user has signed in
 * (and again after sign-out), so subclasses that load on `client` neither call the API nor show an
 * error before sign-in, and load once when the user arrives. An element that has not rendered yet
 * does not render at all while it waits.
 */
export class CrmDataElement extends CrmElement {
  /** The SDK client from the nearest provider; undefined while that provider waits for sign-in. */
  @state()
  protected client?: CrmClient;

  /** The signed-in user from the nearest provider. */
  @consume({ context: userContext, subscribe: true })
  @state()
  protected user?: CrmUser;

  /** The client the nearest provider supplies, signed in or not. */
  @consume({ context: clientContext, subscribe: true })
  @state()
  private providedClient?: CrmClient;

  /** Whether the nearest provider signs people in itself. */
  @consume({ context: signInContext, subscribe: true })
  @state()
  private providerSignsIn?: boolean;

  /** True while the provider signs people in itself and nobody is signed in. */
  protected get awaitingSignIn(): boolean {
    return Boolean(this.providerSignsIn) && !this.user;
  }

  /** Property changes held back while the first render waits for sign-in, replayed when it happens. */
  #deferred: PropertyValues | undefined;

  protected override shouldUpdate(changed: PropertyValues): boolean {
    if (!this.hasUpdated && this.awaitingSignIn) {
      this.#deferred = new Map([...changed, ...(this.#deferred ?? [])]);
      return false;
    }
    if (this.#deferred) {
      for (const [key, value] of this.#deferred) if (!changed.has(key)) changed.set(key, value);
      this.#deferred = undefined;
    }
    return super.shouldUpdate(changed);
  }

  protected override willUpdate(changed: PropertyValues): void {
    // Set here, before subclasses look at `changed`: this lands in the same update, never a second one.
    const client = this.awaitingSignIn ? undefined : this.providedClient;
    if (client !== this.client) this.client = client;
    super.willUpdate(changed);
  }

  /** The client as one that can call the API; throws a clear error when there is none. */
  protected get api(): CrmDataClient {
    return dataClient(this.client);
  }

  /** The time zone of the nearest provider, else the browser's. */
  protected get activeTimeZone(): string | undefined {
    return this.localeSettings?.timeZone;
  }
}
