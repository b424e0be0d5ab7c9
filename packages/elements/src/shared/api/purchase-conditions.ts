// What <crm-purchase-conditions> asks of the API through the SDK: the account (`crm.customers.get`, its
// `finance`), the price books to choose from, the account's credit (`crm.orders.credit`: the limit, how
// the agency's rule reached it), the signed-in role's permissions (`crm.auth.me`), and the save (`crm.customers.update` with `finance`, at the version read).
import type { AccountCredit, Customer, CustomerUpdateParams, CrmClient as SdkClient, PriceBook } from '@crm/client-sdk';
import type { CrmClient } from '../../context/client-context.js';

export type { AccountCredit, Customer, PriceBook };

/** The account fields the element edits (`finance` of `crm.customers.update`). */
export type PurchaseConditionsInput = NonNullable<CustomerUpdateParams['finance']>;

/** A client that can read and update accounts, read price books and credit. */
export type PurchaseConditionsClient = CrmClient & Pick<SdkClient, 'customers' | 'priceBooks' | 'orders'> & Partial<Pick<SdkClient, 'auth'>>;

/** Narrows the provider's client to one with accounts, price books and credit, or throws a clear error. */
export function purchaseConditionsClient(client: CrmClient | undefined): PurchaseConditionsClient {
  const c = client as Partial<PurchaseConditionsClient> | undefined;
  if (!c || typeof c.customers?.get !== 'function' || typeof c.priceBooks?.list !== 'function' || typeof c.orders?.credit !== 'function') {
    throw new Error('No CRM client with accounts and credit: put the element inside a <crm-provider> with a client of @crm/client-sdk.');
  }
  return c as PurchaseConditionsClient;
}
