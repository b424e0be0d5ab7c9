import type { OperationQuery, Schema } from '../core/api-types.js';
import { CrudResource } from '../core/crud-resource.js';
import { path } from '../core/path.js';
import type { ListParams } from '../core/pagination.js';
import type { RequestOptions } from '../core/request-options.js';

/** A product the agency sells or runs for a client: its code, cycle, department, teams and lock. */
export type Product = Schema<'Product'>;
/** The body of `crm.products.create`. */
export type ProductCreateParams = Schema<'ProductCreate'>;
/** The body of `crm.products.update`. */
export type ProductUpdateParams = Schema<'ProductUpdate'>;
/** The query of `crm.products.list`: paging, `q` and filters such as `status`, `locked`. */
export type ProductListParams = OperationQuery<'listProducts'> & ListParams;

/**
 * Products (`crm.products`): list, get, create, update, remove, and `lock` / `unlock`.
 *
 * @example await crm.products.lock(product.id);
 */
export class Products extends CrudResource<Product, ProductCreateParams, ProductUpdateParams, ProductListParams> {
  protected readonly resource = 'products';

  /** Locks a product: its records stop changing until it is unlocked. */
  lock(id: string, options?: RequestOptions): Promise<Product> {
    return this._transport.post<Product>(path`/v1/products/${id}/lock`, undefined, options);
  }

  /** Unlocks a locked product. */
  unlock(id: string, options?: RequestOptions): Promise<Product> {
    return this._transport.post<Product>(path`/v1/products/${id}/unlock`, undefined, options);
  }
}
