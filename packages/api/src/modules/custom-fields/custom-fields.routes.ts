import { idParams } from '../../platform/http/common.schema.js';
import { access, defineRoute, Reply, type RouteSpec } from '../../platform/http/route.js';
import { ifMatchVersion } from '../../platform/records/record-routes.js';
import { createCustomFieldBody, customFieldListQuery, customFieldListSchema, customFieldSchema, updateCustomFieldBody } from './custom-field.schema.js';
import type { CustomFieldsAdmin } from './custom-fields.service.js';

/** Custom attribute definitions, managed by sysadmins (`customField:*`). */
export function customFieldRoutes(service: CustomFieldsAdmin): RouteSpec[] {
  const tags = ['Custom fields'];
  return [
    defineRoute({
      method: 'get',
      path: '/custom-fields',
      operationId: 'listCustomFields',
      summary: 'List custom field definitions',
      tags,
      access: access.permission('customField', 'read'),
      query: customFieldListQuery,
      success: { status: 200, description: 'The definitions', schema: customFieldListSchema },
      handler: ({ query, req }) => service.list(req.principal!, query),
    }),
    defineRoute({
      method: 'post',
      path: '/custom-fields',
      operationId: 'createCustomField',
      summary: 'Define a custom field',
      description: 'Values then live under `custom.<key>` on each record of the resource, are validated on write and can be filtered (`custom.<key>=v`) and sorted (`sort=custom.<key>`).',
      tags,
      access: access.permission('customField', 'create'),
      body: createCustomFieldBody,
      success: { status: 201, description: 'The definition', schema: customFieldSchema },
      errors: [409],
      handler: ({ body, req }) => service.create(req.principal!, body),
    }),
    defineRoute({
      method: 'get',
      path: '/custom-fields/{id}',
      operationId: 'getCustomField',
      summary: 'Get a custom field definition',
      tags,
      access: access.permission('customField', 'read'),
      params: idParams,
      success: { status: 200, description: 'The definition', schema: customFieldSchema },
      handler: ({ params, req }) => service.get(req.principal!, params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/custom-fields/{id}',
      operationId: 'updateCustomField',
      summary: 'Change a custom field definition',
      description: 'The key and resource never change. A type change while records hold values answers 409, as does removing an option in use.',
      tags,
      access: access.permission('customField', 'update'),
      params: idParams,
      body: updateCustomFieldBody,
      success: { status: 200, description: 'The definition', schema: customFieldSchema },
      errors: [409],
      ifMatch: 'optional',
      handler: ({ params, body, req }) => service.update(req.principal!, params.id, body, ifMatchVersion(req)),
    }),
    defineRoute({
      method: 'delete',
      path: '/custom-fields/{id}',
      operationId: 'deleteCustomField',
      summary: 'Delete a custom field',
      description: 'Also removes the values records hold for it.',
      tags,
      access: access.permission('customField', 'delete'),
      params: idParams,
      success: { status: 204, description: 'Deleted' },
      handler: async ({ params, req }) => {
        await service.remove(req.principal!, params.id);
        return new Reply(204);
      },
    }),
  ];
}
