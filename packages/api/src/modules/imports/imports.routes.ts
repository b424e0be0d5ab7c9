import { idParams, listOf, pageQuery } from '../../platform/http/common.schema.js';
import { access, defineRoute, Reply, type RouteSpec } from '../../platform/http/route.js';
import { AppError } from '../../platform/errors.js';
import { importKinds, kindResources } from './import-fields.js';
import { createImportQuery, dryRunSchema, importSchema, mappingBody, savedMappingBody, savedMappingSchema, undoneImportSchema } from './imports.schema.js';
import type { ImportsService } from './imports.service.js';

/** The import routes: upload, mapping, dry run, run, progress, error file, cancel and undo. */
export function importRoutes(service: ImportsService, limits: { maxBytes: number }): RouteSpec[] {
  const tags = ['Imports'];
  const who = 'An import is seen by whoever started it and by admins.';
  return [
    ...importKinds.map((kind) => {
      const { resource, Kind } = kindResources[kind];
      return defineRoute({
        method: 'post',
        path: `/imports/${kind}`,
        operationId: `create${Kind}Import`,
        summary: `Upload a file of ${kind} to import`,
        description: `Send the file's raw bytes as the body (CSV in UTF-8 or Windows-1252, any delimiter, quoted fields, with or without a BOM; or an .xlsx workbook, first sheet), at most ${Math.round(limits.maxBytes / 1024 / 1024)} MB, with \`Content-Type: text/csv\` or the .xlsx type (application/octet-stream is taken for both), the file name in \`?name=\`. The file is streamed to disk; the answer has its header, the first rows and a suggested mapping. The other import routes serve whoever started the import, and admins.`,
        tags,
        access: access.permission(resource, 'import'),
        query: createImportQuery,
        success: { status: 201, description: 'The import, waiting for its mapping', schema: importSchema },
        errors: [403, 413, 415],
        handler: async ({ query, req }) => {
          if (req.is('application/json')) throw new AppError('unsupported_media_type', 'Send the file itself as the body (text/csv or the .xlsx type), not JSON');
          return service.create(req.principal!, { kind, fileName: query.name, contentType: String(req.headers['content-type'] ?? ''), body: req });
        },
      });
    }),
    defineRoute({
      method: 'get',
      path: '/imports',
      operationId: 'listImports',
      summary: 'List your imports',
      description: 'The imports you started, newest first.',
      tags,
      access: access.authenticated,
      query: pageQuery,
      success: { status: 200, description: 'A page of imports', schema: listOf(importSchema, 'ImportList') },
      handler: ({ query, req }) => service.list(req.principal!, query),
    }),
    ...importKinds.flatMap((kind) => {
      const { resource, Kind } = kindResources[kind];
      return [
        defineRoute({
          method: 'get',
          path: `/imports/${kind}/mappings`,
          operationId: `list${Kind}ImportMappings`,
          summary: `List saved mappings for ${kind} imports`,
          description: `The agency's saved mappings for files of ${kind}, by name; for whoever may import ${kind}.`,
          tags,
          access: access.permission(resource, 'import'),
          success: { status: 200, description: 'The saved mappings', schema: listOf(savedMappingSchema, 'SavedImportMappingList') },
          errors: [403],
          handler: ({ req }) => service.mappings.list(req.principal!, kind),
        }),
        defineRoute({
          method: 'post',
          path: `/imports/${kind}/mappings`,
          operationId: `create${Kind}ImportMapping`,
          summary: `Save a mapping for ${kind} imports`,
          description: `Saves columns (by header) to fields, the dedupe key, the mode and the defaults under a name, for the next file of ${kind}. Checked as a mapping is: a field that is not one of ${kind} answers 400 naming \`columns.<i>.field\`; a name already used answers 409.`,
          tags,
          access: access.permission(resource, 'import'),
          body: savedMappingBody,
          success: { status: 201, description: 'The saved mapping', schema: savedMappingSchema },
          errors: [403, 409],
          handler: ({ body, req }) => service.mappings.create(req.principal!, { ...body, kind }),
        }),
      ];
    }),
    defineRoute({
      method: 'delete',
      path: '/import-mappings/{id}',
      operationId: 'deleteSavedImportMapping',
      summary: 'Delete a saved import mapping',
      description: 'Whoever saved it, or an admin.',
      tags,
      access: access.authenticated,
      params: idParams,
      success: { status: 204, description: 'Deleted' },
      handler: async ({ params, req }) => {
        await service.mappings.remove(req.principal!, params.id);
        return new Reply(204);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/imports/{id}',
      operationId: 'getImport',
      summary: 'Get an import and its progress',
      description: `Status, counts so far (read, created, updated, skipped, failed) and rows per second; the same is pushed as \`import.progress\` on the realtime socket to the user who started it. ${who}`,
      tags,
      access: access.authenticated,
      params: idParams,
      success: { status: 200, description: 'The import', schema: importSchema },
      handler: ({ params, req }) => service.get(req.principal!, params.id),
    }),
    defineRoute({
      method: 'put',
      path: '/imports/{id}/mapping',
      operationId: 'setImportMapping',
      summary: "Set an import's column mapping",
      description: 'Which column fills which field (built-in fields, `ownerEmail`, `status` or `custom.<key>`), the key that finds duplicates (email, externalId, phone, or a product\'s code), what a duplicate does, the locale the file writes dates and numbers in, its status values mapped to the kind\'s workflow states, and an assignment rule for rows without an owner. An entry that is not valid answers 400 naming it: `columns.<i>.field`, `columns.<i>.column`, `locale`, `statusMap.values.<i>.status`, `statusMap.default`, `statusMap`, `assign.teamId`.',
      tags,
      access: access.authenticated,
      params: idParams,
      body: mappingBody,
      success: { status: 200, description: 'The import with its mapping', schema: importSchema },
      errors: [409],
      handler: ({ params, body, req }) => service.setMapping(req.principal!, params.id, body),
    }),
    defineRoute({
      method: 'post',
      path: '/imports/{id}/dry-run',
      operationId: 'dryRunImport',
      summary: 'Dry-run an import',
      description: 'Validates every row with the same schema as the create route of its kind and finds duplicates in the file and in the database, writing nothing: what a run would create, update and skip, and the errors by field with their rows.',
      tags,
      access: access.authenticated,
      params: idParams,
      success: { status: 200, description: 'The summary', schema: dryRunSchema },
      errors: [403, 409],
      idempotency: false,
      handler: ({ params, req }) => service.dryRun(req.principal!, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/imports/{id}/run',
      operationId: 'runImport',
      summary: 'Run an import',
      description: "Queues the run as a background job, in batches; a run that was cancelled, failed or whose worker died resumes after its last written batch, and nothing is imported twice. Records it creates send no notifications; the audit trail has one entry per batch. The rows runs write (created or updated) count towards the agency's daily limit (IMPORT_DAILY_ROW_CAP, or the agency's `importDailyRowCap`): a run stops at it (`failed`, `stopReason: daily_row_cap`, `resumesAt`), and while it is used up this answers 429. A mapping with an assignment rule takes the team's active members when the run first starts (a resume keeps them); a team without active members, or a role that may no longer assign, answers 400 naming `assign.teamId`.",
      tags,
      access: access.authenticated,
      params: idParams,
      success: { status: 202, description: 'The import, queued', schema: importSchema },
      errors: [400, 403, 409, 429],
      idempotency: false,
      handler: ({ params, req }) => service.run(req.principal!, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/imports/{id}/cancel',
      operationId: 'cancelImport',
      summary: 'Cancel an import',
      description: 'A queued run does not start; a running one stops after the batch it is writing. Run it again to resume.',
      tags,
      access: access.authenticated,
      params: idParams,
      success: { status: 200, description: 'The import, cancelled', schema: importSchema },
      errors: [409],
      idempotency: false,
      handler: ({ params, req }) => service.cancel(req.principal!, params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/imports/{id}/errors',
      operationId: 'getImportErrors',
      summary: "An import's error file",
      description: 'CSV of the rows that failed or were skipped as duplicates: row number (the header is row 1), column, field, reason, then the row as it was.',
      tags,
      access: access.authenticated,
      params: idParams,
      success: { status: 200, description: 'CSV (text/csv)', mediaType: 'text/csv' },
      handler: async ({ params, req, res }) => {
        const csv = await service.errorsCsv(req.principal!, params.id);
        res.status(200).type('text/csv; charset=utf-8').attachment(`import-${params.id}-errors.csv`).send(csv);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/imports/{id}/undo',
      operationId: 'undoImport',
      summary: 'Undo an import',
      description: 'Removes the records the import created and puts back the fields it updated (as they were before it).',
      tags,
      access: access.authenticated,
      params: idParams,
      success: { status: 200, description: 'The import, undone', schema: undoneImportSchema },
      errors: [403, 409],
      idempotency: false,
      handler: ({ params, req }) => service.undo(req.principal!, params.id),
    }),
  ];
}
