import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { idParams, listOf, pageQuery } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { XLSX_TYPE } from '../../platform/records/xlsx.js';
import { exportKinds, type ExportFormat, type ExportKind } from './export.model.js';
import { createExportBody, exportSchema } from './exports.schema.js';
import type { ExportsService } from './exports.service.js';

/** Background exports: ask for one, follow it, download its file. */
export function exportRoutes(service: ExportsService, resources: Record<ExportKind, string>, retentionHours: number): RouteSpec[] {
  const tags = ['Exports'];
  return [
    ...exportKinds.map((kind) => {
      const resource = resources[kind];
      const Kind = kind[0]!.toUpperCase() + kind.slice(1, -1).replace(/ie$/, 'y');
      return defineRoute({
        method: 'post',
        path: `/exports/${kind}`,
        operationId: `create${Kind}Export`,
        summary: `Export ${kind} as a file made in the background`,
        description: `For exports too large for one request (\`GET /v1/${kind}/export\` streams the same file directly): a job writes every record your role's export profile allows, with its columns, as .xlsx or CSV (formulas neutralised), audited like a direct export. Progress comes as the realtime message \`export.progress\` (the export itself) and in \`GET /v1/exports/{id}\`; when it is completed your inbox says so and the file is at \`downloadPath\` for ${retentionHours} hours. Only you see and download it.`,
        tags,
        access: access.permission(resource, 'export'),
        body: createExportBody,
        success: { status: 202, description: 'The export, queued', schema: exportSchema },
        errors: [403],
        handler: ({ body, req }) => service.create(req.principal!, { kind, ...(body as { format: ExportFormat; filters: Record<string, string> }) }),
      });
    }),
    defineRoute({
      method: 'get',
      path: '/exports',
      operationId: 'listExports',
      summary: 'List your exports',
      description: 'The exports you asked for, newest first, expired ones included.',
      tags,
      access: access.authenticated,
      query: pageQuery,
      success: { status: 200, description: 'A page of exports', schema: listOf(exportSchema, 'ExportList') },
      handler: ({ query, req }) => service.list(req.principal!, query),
    }),
    defineRoute({
      method: 'get',
      path: '/exports/{id}',
      operationId: 'getExport',
      summary: 'Get an export',
      description: 'Its status and progress (rows written so far).',
      tags,
      access: access.authenticated,
      params: idParams,
      success: { status: 200, description: 'The export', schema: exportSchema },
      handler: ({ params, req }) => service.get(req.principal!, params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/exports/{id}/file',
      operationId: 'downloadExport',
      summary: 'Download an export’s file',
      description: `The finished file (CSV or .xlsx) as an attachment; 409 while it is being made, after it failed, and once it expired (${retentionHours} hours after it was made).`,
      tags,
      access: access.authenticated,
      params: idParams,
      success: { status: 200, description: 'The file', mediaType: XLSX_TYPE, alsoMediaTypes: ['text/csv'] },
      errors: [409],
      handler: async ({ params, req, res }) => {
        const file = await service.file(req.principal!, params.id);
        res.status(200).type(file.type).attachment(file.fileName).setHeader('Content-Length', String(file.size));
        await pipeline(createReadStream(file.path), res);
      },
    }),
  ];
}
