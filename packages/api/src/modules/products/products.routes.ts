import { idParams, listOf } from '../../platform/http/common.schema.js';
import { access, defineRoute, Reply, type RouteSpec } from '../../platform/http/route.js';
import { ifMatchVersion } from '../../platform/records/record-routes.js';
import { createProductBody, productListQuery, productSchema, updateProductBody } from './product.schema.js';
import type { ProductsService } from './products.service.js';

/** Products: CRUD for admins, reads for everyone allowed, lock/unlock for `product:lock`. */
export function productRoutes(service: ProductsService): RouteSpec[] {
  const tags = ['Products'];
  return [
    defineRoute({
      method: 'get',
      path: '/products',
      operationId: 'listProducts',
      summary: 'List products',
      description: 'Active products, newest first; admins also see disabled ones.',
      tags,
      access: access.permission('product', 'read'),
      query: productListQuery,
      success: { status: 200, description: 'A page of products', schema: listOf(productSchema, 'ProductList') },
      handler: ({ query, req }) => service.list(req.principal!, query),
    }),
    defineRoute({
      method: 'post',
      path: '/products',
      operationId: 'createProduct',
      summary: 'Create a product',
      description: 'The cycle ends 3 months after its start unless `cycleEnd` is given.',
      tags,
      access: access.permission('product', 'create'),
      body: createProductBody,
      success: { status: 201, description: 'The created product', schema: productSchema },
      errors: [409],
      handler: ({ body, req }) => service.create(req.principal!, body),
    }),
    defineRoute({
      method: 'get',
      path: '/products/{id}',
      operationId: 'getProduct',
      summary: 'Get a product',
      tags,
      access: access.permission('product', 'read'),
      params: idParams,
      success: { status: 200, description: 'The product', schema: productSchema },
      handler: ({ params, req }) => service.get(req.principal!, params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/products/{id}',
      operationId: 'updateProduct',
      summary: 'Update a product',
      description: 'Rename (while active), change the cycle, assign teams and people, or disable/activate. Send `If-Match: <version>` for a conditional update.',
      tags,
      access: access.permission('product', 'update'),
      params: idParams,
      body: updateProductBody,
      success: { status: 200, description: 'The updated product', schema: productSchema },
      errors: [409],
      ifMatch: 'optional',
      handler: ({ params, body, req }) => service.update(req.principal!, params.id, body, ifMatchVersion(req)),
    }),
    defineRoute({
      method: 'delete',
      path: '/products/{id}',
      operationId: 'deleteProduct',
      summary: 'Delete a product',
      description: 'Only a product no record refers to; disable the others.',
      tags,
      access: access.permission('product', 'delete'),
      params: idParams,
      success: { status: 204, description: 'Deleted' },
      errors: [409],
      handler: async ({ params, req }) => {
        await service.remove(req.principal!, params.id);
        return new Reply(204);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/products/{id}/lock',
      operationId: 'lockProduct',
      summary: 'Lock a product',
      description: "002: the product's records become read-only for everyone but admins.",
      tags,
      access: access.permission('product', 'lock'),
      params: idParams,
      success: { status: 200, description: 'The locked product', schema: productSchema },
      handler: ({ params, req }) => service.lock(req.principal!, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/products/{id}/unlock',
      operationId: 'unlockProduct',
      summary: 'Unlock a product',
      description: "002: the product's records (e.g. contacts Production converted into speakers) become workable for Sales and Marketing users who see the product.",
      tags,
      access: access.permission('product', 'lock'),
      params: idParams,
      success: { status: 200, description: 'The unlocked product', schema: productSchema },
      handler: ({ params, req }) => service.unlock(req.principal!, params.id),
    }),
  ];
}
