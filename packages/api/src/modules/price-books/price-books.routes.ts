import { idParams, listOf } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { ifMatchVersion } from '../../platform/records/record-routes.js';
import { priceBookInput, priceBookSchema, resolvedPriceSchema, resolvePriceQuery } from './price-book.schema.js';
import type { PriceBooksService } from './price-books.service.js';

/** Price books (003): managed by those allowed, read by everyone who quotes; and the price resolver. */
export function priceBookRoutes(service: PriceBooksService): RouteSpec[] {
  const tags = ['Price books'];
  return [
    defineRoute({
      method: 'get', path: '/price-books', operationId: 'listPriceBooks', summary: 'List price books', description: 'The default book first, then by name.', tags,
      access: access.permission('priceBook', 'read'),
      success: { status: 200, description: 'The price books', schema: listOf(priceBookSchema, 'PriceBookList') },
      handler: ({ req }) => service.list(req.principal!),
    }),
    defineRoute({
      method: 'post', path: '/price-books', operationId: 'createPriceBook', summary: 'Create a price book', description: 'Services, their specs with unit of measure, and prices per currency with validity days. Prices are integers in minor units.', tags,
      access: access.permission('priceBook', 'create'), body: priceBookInput,
      success: { status: 201, description: 'The created price book', schema: priceBookSchema },
      handler: ({ body, req }) => service.create(req.principal!, body),
    }),
    defineRoute({
      method: 'get', path: '/price-books/resolve', operationId: 'resolvePrice', summary: 'The price an account gets for a spec', description: "The account's price book (or the default book), the spec's price in the currency valid on the day, moved by the account's price adjuster.", tags,
      access: access.permission('priceBook', 'read'), query: resolvePriceQuery,
      success: { status: 200, description: 'The resolved price', schema: resolvedPriceSchema },
      errors: [404, 409],
      handler: ({ query, req }) => service.resolve(req.principal!, query),
    }),
    defineRoute({
      method: 'get', path: '/price-books/{id}', operationId: 'getPriceBook', summary: 'Get a price book', tags,
      access: access.permission('priceBook', 'read'), params: idParams,
      success: { status: 200, description: 'The price book', schema: priceBookSchema },
      handler: ({ params, req }) => service.get(req.principal!, params.id),
    }),
    defineRoute({
      method: 'put', path: '/price-books/{id}', operationId: 'replacePriceBook', summary: 'Replace a price book', description: 'Send the whole book; ids of kept services and specs stay. `If-Match: <version>` makes it conditional.', tags,
      access: access.permission('priceBook', 'update'), params: idParams, body: priceBookInput,
      success: { status: 200, description: 'The saved price book', schema: priceBookSchema },
      errors: [409],
      ifMatch: 'optional',
      handler: ({ params, body, req }) => service.replace(req.principal!, params.id, body, ifMatchVersion(req)),
    }),
  ];
}
