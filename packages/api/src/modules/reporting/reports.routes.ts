import { idParams, listOf } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { ifMatchVersion } from '../../platform/records/record-routes.js';
import { XLSX_TYPE } from '../../platform/records/xlsx.js';
import { reportCsv, reportFileName, reportLanguageOf, writeReportXlsx, type ReportLanguage } from './reports.export.js';
import { createReportBody, exportQuery, reportDefinition, reportResult, reportSchema, updateReportBody } from './reports.schema.js';
import type { ReportsService } from './reports.service.js';

/** Saved reports, run from the roll-ups and exported as CSV or XLSX (issue 19, item 4): `/v1/reports`. */
export function reportsRoutes(reports: ReportsService): RouteSpec[] {
  const reads = access.permission('report', 'read');
  const visibility = 'Figures are the caller’s own view, as `/v1/metrics` answers it: a rep gets only their own records’ figures, a head the team’s; a dimension the caller may not split by answers 403.';
  return [
    defineRoute({
      method: 'get', path: '/reports', operationId: 'listReports', summary: 'List saved reports', tags: ['Reports'],
      description: 'The caller’s own reports and those shared with their role or one of their teams (an admin: every report of the agency), by name.',
      access: reads,
      success: { status: 200, description: 'The reports', schema: listOf(reportSchema, 'ReportList') },
      handler: ({ req }) => reports.list(req.principal!),
    }),
    defineRoute({
      method: 'post', path: '/reports', operationId: 'createReport', summary: 'Save a report', tags: ['Reports'],
      description: 'A definition (kind, measures of that kind, dimension, period, span, an optional key filter), who else may open it, and optionally a schedule: daily, weekly or monthly to users of the agency, each getting their own figures as an attachment.',
      access: reads, body: createReportBody,
      success: { status: 201, description: 'The report', schema: reportSchema },
      handler: ({ body, req }) => reports.create(req.principal!, body),
    }),
    defineRoute({
      method: 'post', path: '/reports/run', operationId: 'runReportDefinition', summary: 'Run a report definition without saving it', tags: ['Reports'],
      description: visibility,
      access: reads, body: reportDefinition, errors: [404],
      success: { status: 200, description: 'The report’s rows', schema: reportResult },
      handler: ({ body, req }) => reports.run(req.principal!, body),
    }),
    defineRoute({
      method: 'get', path: '/reports/{id}', operationId: 'getReport', summary: 'Get a saved report', tags: ['Reports'],
      access: reads, params: idParams,
      success: { status: 200, description: 'The report', schema: reportSchema },
      handler: ({ params, req }) => reports.get(req.principal!, params.id),
    }),
    defineRoute({
      method: 'put', path: '/reports/{id}', operationId: 'updateReport', summary: 'Change a saved report', tags: ['Reports'],
      description: 'Replaces the definition, audience and schedule; its owner or an admin. Send `If-Match: <version>` for a conditional write: a stale version answers 412 with the current one.',
      access: reads, params: idParams, body: updateReportBody, ifMatch: 'optional',
      success: { status: 200, description: 'The report', schema: reportSchema },
      handler: ({ params, body, req }) => reports.update(req.principal!, params.id, body, ifMatchVersion(req)),
    }),
    defineRoute({
      method: 'delete', path: '/reports/{id}', operationId: 'deleteReport', summary: 'Delete a saved report', tags: ['Reports'],
      description: 'Its owner or an admin; its schedule stops with it.',
      access: reads, params: idParams,
      success: { status: 204, description: 'Deleted' },
      handler: ({ params, req }) => reports.remove(req.principal!, params.id),
    }),
    defineRoute({
      method: 'get', path: '/reports/{id}/result', operationId: 'runReport', summary: 'Run a saved report', tags: ['Reports'],
      description: visibility,
      access: reads, params: idParams,
      success: { status: 200, description: 'The report’s rows', schema: reportResult },
      handler: ({ params, req }) => reports.runSaved(req.principal!, params.id),
    }),
    defineRoute({
      method: 'get', path: '/reports/{id}/export', operationId: 'exportReport', summary: 'Export a saved report as CSV or XLSX', tags: ['Reports'],
      description: `The report’s rows with a header row in \`lang\` (else the caller’s profile language, else Accept-Language; English otherwise). The workbook is streamed as it is written. ${visibility}`,
      access: reads, params: idParams, query: exportQuery,
      success: { status: 200, description: 'CSV (text/csv), or with `format=xlsx` a workbook', mediaType: 'text/csv', alsoMediaTypes: [XLSX_TYPE] },
      handler: async ({ params, query, req, res }) => {
        const result = await reports.runSaved(req.principal!, params.id);
        const language: ReportLanguage = query.lang ?? reportLanguageOf(await reports.profileLocale(req.principal!)) ?? reportLanguageOf(req.acceptsLanguages('de', 'en') || null) ?? 'en';
        const file = reportFileName(result.name);
        if (query.format === 'csv') {
          res.status(200).type('text/csv; charset=utf-8').attachment(`${file}.csv`).send(reportCsv(result, language));
          return;
        }
        res.status(200).type(XLSX_TYPE).attachment(`${file}.xlsx`);
        await writeReportXlsx(res, result, language);
        res.end();
      },
    }),
  ];
}
