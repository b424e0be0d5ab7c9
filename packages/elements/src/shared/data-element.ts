import { consume } from '@lit/context';
import { state } from 'lit/decorators.js';
import { clientContext, type CrmClient, type CrmUser } from '../context/client-context.js';
import { userContext } from '../context/user-context.js';
import { CrmElement } from './crm-element.js';
import { dataClient, type CrmDataClient } from './api/transport.js';

/** Base of the elements that load data: the client and user from the nearest `<crm-provider>`. */
export class CrmDataElement extends CrmElement {
  /** The SDK client from the nearest provider. */
  @consume({ context: clientContext, subscribe: true })
  @state()
  protected client?: CrmClient;

  /** The signed-in user from the nearest provider. */
  @consume({ context: userContext, subscribe: true })
  @state()
  protected user?: CrmUser;

  /** The client as one that can call the API; throws a clear error when there is none. */
  protected get api(): CrmDataClient {
    return dataClient(this.client);
  }

  /** The time zone of the nearest provider, else the browser's. */
  protected get activeTimeZone(): string | undefined {
    return this.localeSettings?.timeZone;
  }
}
