import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import type { ZodType } from 'zod';
import { AppError } from '../errors.js';
import { idParams, listOf, pageQuery } from '../http/common.schema.js';
import { access, defineRoute, jsonOnce, Reply, type RouteSpec } from '../http/route.js';
import { z } from '../http/zod.js';
import type { RecordBase, RecordService } from './record-service.js';
import { writeXlsx, XLSX_TYPE } from './xlsx.js';
import { csvChunks } from './csv.js';

/** Reads `If-Match: "3"` (the record's ETag; `W/"3"` and a bare `3` too: a version names one state of the record, so weak comparison is safe) as the version an update expects. */
export function ifMatchVersion(req: Request): number | undefined {
  const header = req.get('If-Match');
  if (!header) return undefined;
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!match) throw AppError.invalidField('header.If-Match', 'must be the record version as its ETag gives it, e.g. If-Match: "3"');
  return Number(match[1]);
}

/** Where a request came from, for the audit trail. */
export function clientOf(req: Request) {
  return { ip: req.ip ?? '', userAgent: String(req.headers['user-agent'] ?? '').slice(0, 500) };
}

export const transitionBody = z
  .object({
    to: z.string().min(1).max(40).openapi({ description: 'The target status key' }),
    version: z.number().int().min(0).optional().openapi({ description: 'Fail with 409 unless the record is still at this version' }),
    note: z.string().max(1000).optional(),
  })
  .openapi('TransitionRequest');

export const transitionHistory = z
  .object({ object: z.literal('list'), data: z.array(z.object({ from: z.string().nullable(), to: z.string(), byUserId: z.string().nullable(), note: z.string().nullable(), at: z.string() })) })
  .openapi('TransitionHistory');

/** The list query of a record type: paging, search, sort, field selection and its declared filters. */
export function listQuerySchema(service: RecordService<RecordBase>) {
  const shape: Record<string, ZodType> = {
    q: z.string().max(200).optional().openapi({ description: 'Search text: every word must start a word of the record (names, emails, phones, company, city, tags, custom text; case and accents ignored); a word of two letters must be a whole word of the record. Results come ranked, whole-word matches first, then newest; `sort` does not apply. See docs/search.md' }),
    sort: z.string().max(60).optional().openapi({ description: `One of ${Object.keys(service.definition.list.sorts).join(', ')} or custom.<key>; prefix - for descending` }),
    fields: z.string().max(500).optional().openapi({ description: 'Comma-separated fields to return (id and version always come)' }),
  };
  for (const [name, filter] of Object.entries(service.definition.list.filters)) {
    shape[name] = (filter.kind === 'enum' && filter.values ? z.string() : z.string()).max(2600).optional().openapi({
      description: filter.kind === 'enum' && filter.values ? `Any of ${filter.values.join(', ')} (comma-separated)` : `Filter by ${name} (${filter.kind}${['id', 'string', 'enum'].includes(filter.kind) ? ', comma-separated for any of' : ''})`,
    });
    if (filter.kind === 'number' || filter.kind === 'date') {
      for (const opName of ['gte', 'lte']) shape[`${name}.${opName}`] = z.string().max(40).optional().openapi({ description: `${name} ${opName === 'gte' ? '>=' : '<='} value` });
    }
  }
  return pageQuery.extend(shape).catchall(z.string().max(200)).openapi({ description: 'Custom attributes filter as custom.<key>=value' });
}

/** The filters an export of the kind takes: the list's filters (no page, cursor or fields), plus custom-field filters by name. */
export function exportFilterSchema(service: RecordService<RecordBase>) {
  const { limit: _limit, cursor: _cursor, fields: _fields, ...filterShape } = listQuerySchema(service).shape;
  return z.object(filterShape).catchall(z.string().max(200));
}

/**
 * The standard routes of a record type, each going through the record service (and so the access
 * module): list, get, create (idempotent through the router), update (If-Match), delete, transition, history, export.
 */
export function recordRoutes<Doc extends RecordBase>(options: {
  service: RecordService<Doc>;
  path: string;
  tag: string;
  singular: string;
  plural: string;
  dto: ZodType;
  create: ZodType;
  update: ZodType;
  /** The transition body when the record type lets fields change with a move (tasks: a new due time with re-scheduled). */
  transition?: ZodType;
}): RouteSpec[] {
  const { service, path, tag, singular, plural } = options;
  const resource = service.definition.resource;
  const Name = singular[0]!.toUpperCase() + singular.slice(1);
  const Names = plural[0]!.toUpperCase() + plural.slice(1);
  const listQuery = listQuerySchema(service as unknown as RecordService<RecordBase>);
  const exportQuery = exportFilterSchema(service as unknown as RecordService<RecordBase>).extend({ format: z.enum(['csv', 'xlsx']).default('csv').openapi({ description: 'CSV (text/csv) or an Excel workbook (.xlsx)' }) });

  const routes: RouteSpec[] = [
    defineRoute({
      method: 'get',
      path,
      operationId: `list${Names}`,
      summary: `List ${plural}`,
      description: `The ${plural} you may see, newest first unless sorted; cursor-paginated.`,
      tags: [tag],
      access: access.permission(resource, 'read'),
      query: listQuery,
      success: { status: 200, description: `A page of ${plural}`, schema: listOf(options.dto, `${Name}List`) },
      // Serialized once per answer: a kept list page's answer is the same object for every caller of it.
      handler: async ({ query, req }) => jsonOnce(await service.list(req.principal!, query as never)),
    }),
    defineRoute({
      method: 'post',
      path,
      operationId: `create${Name}`,
      summary: `Create a ${singular}`,
      tags: [tag],
      access: access.permission(resource, 'create'),
      body: options.create,
      success: { status: 201, description: `The created ${singular}`, schema: options.dto },
      errors: [403, 409],
      handler: ({ body, req }) => service.create(req.principal!, body as Record<string, unknown>, clientOf(req)),
    }),
    defineRoute({
      method: 'get',
      path: `${path}/export`,
      operationId: `export${Names}`,
      summary: `Export ${plural} as CSV or XLSX`,
      description: 'The columns and records depend on your role’s export rule (002: sales roles export Name, Last Name, Job title and Company of their team while the product is active). Streamed while the records are read, every one the rule allows (a search, `q`, gives its best 1,000); for a large export that should not hang on one request, `POST /v1/exports` makes the file in the background.',
      tags: [tag],
      access: access.permission(resource, 'export'),
      query: exportQuery,
      success: { status: 200, description: 'CSV (text/csv), or with `format=xlsx` a workbook', mediaType: 'text/csv', alsoMediaTypes: [XLSX_TYPE] },
      handler: async ({ query, req, res }) => {
        const { format, ...filters } = query as { format: 'csv' | 'xlsx' } & Record<string, unknown>;
        // Streamed as the records are read: nothing is held whole, and nothing is cut off.
        const { columns, rows } = await service.exportRows(req.principal!, filters as never, clientOf(req), format);
        if (format === 'csv') {
          res.status(200).type('text/csv; charset=utf-8').attachment(`${plural}.csv`);
          await pipeline(Readable.from(csvChunks(columns, rows)), res);
          return;
        }
        res.status(200).type(XLSX_TYPE).attachment(`${plural}.xlsx`);
        try {
          await writeXlsx(res, plural, columns, rows);
        } catch (error) {
          // The headers are out: a read that fails mid-file cuts the connection, so no client takes half a workbook for a whole one.
          res.destroy(error as Error);
          throw error;
        }
        res.end();
      },
    }),
    defineRoute({
      method: 'get',
      path: `${path}/{id}`,
      operationId: `get${Name}`,
      summary: `Get a ${singular}`,
      tags: [tag],
      access: access.permission(resource, 'read'),
      params: idParams,
      success: { status: 200, description: `The ${singular}`, schema: options.dto },
      handler: ({ params, req }) => service.get(req.principal!, params.id),
    }),
    defineRoute({
      method: 'patch',
      path: `${path}/{id}`,
      operationId: `update${Name}`,
      summary: `Update a ${singular}`,
      description: 'Updates the fields sent. Send `If-Match: "<version>"` (the record\'s ETag) to fail with 412 precondition_failed (carrying the current record) if someone changed it meanwhile.',
      tags: [tag],
      access: access.permission(resource, 'update'),
      params: idParams,
      body: options.update,
      success: { status: 200, description: `The updated ${singular}`, schema: options.dto },
      errors: [403, 409],
      ifMatch: 'optional',
      handler: ({ params, body, req }) => service.update(req.principal!, params.id, body as Record<string, unknown>, { ifMatch: ifMatchVersion(req), client: clientOf(req) }),
    }),
    defineRoute({
      method: 'delete',
      path: `${path}/{id}`,
      operationId: `delete${Name}`,
      summary: `Delete a ${singular}`,
      tags: [tag],
      access: access.permission(resource, 'delete'),
      params: idParams,
      success: { status: 204, description: 'Deleted' },
      errors: [403],
      handler: async ({ params, req }) => {
        await service.remove(req.principal!, params.id, clientOf(req));
        return new Reply(204);
      },
    }),
  ];
  if (service.definition.workflowKey) {
    routes.push(
      defineRoute({
        method: 'post',
        path: `${path}/{id}/transitions`,
        operationId: `transition${Name}`,
        summary: `Change a ${singular}'s status`,
        description: `Moves the ${singular} along the tenant's "${service.definition.workflowKey}" workflow; an illegal move answers 409 invalid_transition with the allowed targets.`,
        tags: [tag],
        access: access.permission(resource, 'transition'),
        params: idParams,
        body: options.transition ?? transitionBody,
        success: { status: 200, description: `The ${singular} in its new status`, schema: options.dto },
        errors: [403, 409],
        handler: ({ params, body, req }) => service.transition(req.principal!, params.id, body as z.output<typeof transitionBody>, clientOf(req)),
      }),
      defineRoute({
        method: 'get',
        path: `${path}/{id}/transitions`,
        operationId: `list${Name}Transitions`,
        summary: `A ${singular}'s status history`,
        tags: [tag],
        access: access.permission(resource, 'read'),
        params: idParams,
        success: { status: 200, description: 'Every status change, oldest first', schema: transitionHistory },
        handler: async ({ params, req }) => ({ object: 'list', data: await service.history(req.principal!, params.id) }),
      }),
    );
  }
  return routes;
}
