import { idParams, listOf } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { AppError } from '../../platform/errors.js';
import { ifMatchVersion } from '../../platform/records/record-routes.js';
import type { Recipients } from '../messaging/recipients.js';
import { createTemplateBody, previewBody, renderedSchema, templateSchema, updateTemplateBody } from './templates.schema.js';
import { compileOrThrow, type TemplatesService } from './templates.service.js';

/** Message templates: admins manage them (resource `template`); preview renders one for a real record. */
export function templateRoutes(service: TemplatesService, recipients: Recipients): RouteSpec[] {
  const tags = ['Templates'];
  return [
    defineRoute({
      method: 'get', path: '/templates', operationId: 'listTemplates', summary: 'List message templates', tags,
      access: access.permission('template', 'read'),
      success: { status: 200, description: 'The templates', schema: listOf(templateSchema, 'MessageTemplateList') },
      handler: ({ req }) => service.list(req.principal!),
    }),
    defineRoute({
      method: 'post', path: '/templates', operationId: 'createTemplate', summary: 'Create a message template (handlebars)', tags,
      description: 'Subject, HTML and text in handlebars. HTML output is escaped; helpers: formatDate, formatNumber, link. A template that does not compile answers 400 naming the part and line.',
      access: access.permission('template', 'create'), body: createTemplateBody, errors: [409],
      success: { status: 201, description: 'The template', schema: templateSchema },
      handler: ({ body, req }) => service.create(req.principal!, body),
    }),
    defineRoute({
      method: 'get', path: '/templates/{id}', operationId: 'getTemplate', summary: 'Get a message template', tags,
      access: access.permission('template', 'read'), params: idParams,
      success: { status: 200, description: 'The template', schema: templateSchema },
      handler: ({ params, req }) => service.get(req.principal!, params.id),
    }),
    defineRoute({
      method: 'patch', path: '/templates/{id}', operationId: 'updateTemplate', summary: 'Update a message template', tags,
      description: 'Send `If-Match: <version>` for a conditional update: a stale version answers 412 `precondition_failed` with the current template.',
      access: access.permission('template', 'update'), params: idParams, body: updateTemplateBody, errors: [409],
      success: { status: 200, description: 'The template', schema: templateSchema },
      ifMatch: 'optional',
      handler: ({ params, body, req }) => service.update(req.principal!, params.id, body, ifMatchVersion(req)),
    }),
    defineRoute({
      method: 'delete', path: '/templates/{id}', operationId: 'deleteTemplate', summary: 'Delete a message template', tags,
      access: access.permission('template', 'delete'), params: idParams,
      success: { status: 204, description: 'Deleted' },
      handler: ({ params, req }) => service.remove(req.principal!, params.id),
    }),
    defineRoute({
      method: 'post', path: '/templates/{id}/preview', operationId: 'previewTemplate', summary: 'Render a template for a real contact or customer', tags,
      access: access.permission('template', 'read'), params: idParams, body: previewBody,
      success: { status: 200, description: 'The rendered subject, HTML and text', schema: renderedSchema },
      handler: async ({ params, body, req }) => {
        const principal = req.principal!;
        const template = await service.load(principal.tenantId, params.id);
        if (!body.contactId && !body.customerId) throw AppError.invalidField('contactId', 'or customerId is required');
        const recipient = body.contactId ? await recipients.visible(principal, 'contact', body.contactId) : await recipients.visible(principal, 'customer', body.customerId!);
        const agency = await recipients.agency(principal.tenantId);
        const rendered = compileOrThrow(template).render({ recipient: recipient.fields, agency: { name: agency.name }, sender: {}, unsubscribeUrl: 'https://example.invalid/unsubscribe-preview' }, agency);
        return { ...rendered, locale: agency.locale, timeZone: agency.timeZone };
      },
    }),
  ];
}
