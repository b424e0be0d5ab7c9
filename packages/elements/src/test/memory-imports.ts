// Imports in memory, for the wizard's test and stories: `crm.imports` of the real SDK over a `fetch` that
// answers the import routes (each handler typed by its operation, so it cannot drift from the OpenAPI
// document). The file's rows are given, not parsed: the API's reading of CSV and XLSX is tested in the API.
import { Imports, Org, Transport, Workflows, type FetchLike, type Import } from '@crm/client-sdk';
import type { CrmDataClient } from '../shared/api/transport.js';
import { createMemoryApi } from './memory-api.js';
import { route, type Handler, type OperationAnswer } from './memory-route.js';

const hex = (n: number) => n.toString(16).padStart(24, '0');

type SavedMapping = OperationAnswer<'createLeadImportMapping'>;

/**
 * An in-memory import of leads from `leads.csv`: three rows, one with a bad email; the run ends after
 * `runningReads` reads (with `dailyLimit`, stopped by the agency's daily row cap after the first row).
 * `saved` are the agency's saved mappings (one that fits the file by default). `withStatus` adds a Status
 * column (Heiß, Neu, Kalt in the sample; the check finds Vielleicht besides) and serves the lead workflow.
 * `withTeams` serves the agency's teams (`crm.org.teams`): Inbound with two members, whose dry run splits the
 * two created rows one each when the mapping names it.
 */
export function createMemoryImports(options: { runningReads?: number; latencyMs?: number; saved?: SavedMapping[]; dailyLimit?: boolean; withStatus?: boolean; withTeams?: boolean } = {}) {
  const calls: Array<{ method: string; path: string; body: unknown }> = [];
  const saved: SavedMapping[] = options.saved ?? [
    { id: hex(0x5a01), kind: 'leads', name: 'Messe-Export', columns: [{ column: 'Vorname', field: 'firstName' }, { column: 'Nachname', field: 'lastName' }, { column: 'E-Mail', field: 'email' }, { column: 'Firma', field: null }], dedupeKey: 'email', mode: 'update', productId: null, teamId: null, tags: [], locale: 'de-DE', statusMap: null, assign: null, createdBy: hex(1), createdAt: '2026-12-01T09:00:00.000Z' },
    { id: hex(0x5a02), kind: 'leads', name: 'Other file', columns: [{ column: 'Given name', field: 'firstName' }], dedupeKey: 'email', mode: 'skip', productId: null, teamId: null, tags: [], locale: null, statusMap: null, assign: null, createdBy: hex(1), createdAt: '2026-12-01T09:00:00.000Z' },
  ];
  let reads = 0;
  const status = options.withStatus ?? false;
  const headers = ['Vorname', 'Nachname', 'E-Mail', 'Firma', ...(status ? ['Status'] : [])];
  const sample = [['Jürgen', 'Müller', 'juergen@firma.example', 'Müller GmbH', 'Heiß'], ['Anna', 'Schäfer', 'anna@firma.example', 'Schäfer AG', 'Neu'], ['Kaputt', 'Mail', 'not-an-email', 'X', 'Kalt']];
  const job: Import = {
    id: hex(0x1e01), kind: 'leads', fileName: 'leads.csv', format: 'csv', size: 120, encoding: 'windows-1252', delimiter: ';', headers,
    sample: sample.map((row) => row.slice(0, headers.length)),
    suggestedMapping: [{ column: 'Vorname', field: 'firstName' }, { column: 'Nachname', field: 'lastName' }, { column: 'E-Mail', field: 'email' }, { column: 'Firma', field: 'companyName' }, ...(status ? [{ column: 'Status', field: 'status' }] : [])],
    mapping: null, status: 'uploaded', progress: { read: 0, created: 0, updated: 0, skipped: 0, failed: 0, rowsPerSecond: 0, elapsedSeconds: 0 }, dryRun: null, failure: null, stopReason: null, resumesAt: null,
    createdBy: hex(1), createdAt: '2026-12-04T09:00:00.000Z', startedAt: null, finishedAt: null, fileRemovedAt: null,
  };
  const summary = { read: 3, created: 2, updated: 0, skipped: 0, failed: 1, errors: [{ field: 'email', column: 'E-Mail', count: 1, rows: [4] }], statusValues: status ? ['Vielleicht'] : [] };
  const team = { id: hex(0x7e01), kind: 'team' as const, name: 'Inbound', key: null, parentId: null, departmentId: null, leadId: null, memberIds: [hex(0xa1), hex(0xa2)], productIds: [], version: 0, createdAt: '2026-12-01T09:00:00.000Z' };
  const assignments = [{ userId: hex(0xa1), email: 'ana@example.com', rows: 1 }, { userId: hex(0xa2), email: 'ben@example.com', rows: 1 }];
  const kinds = 'contacts|leads|customers|opportunities|products|tasks';
  const routes: Array<[string, RegExp, Handler]> = [
    route('POST', new RegExp(`^/v1/imports/(${kinds})$`), 'createLeadImport', (m) => Object.assign(job, { kind: m[1] as Import['kind'] })),
    route('PUT', /^\/v1\/imports\/[a-f0-9]{24}\/mapping$/, 'setImportMapping', (_m, _q, body) =>
      Object.assign(job, { status: 'mapped' as const, mapping: { ...(body as object), productId: null, teamId: null, tags: [] } as unknown as Import['mapping'] }),
    ),
    route('POST', /^\/v1\/imports\/[a-f0-9]{24}\/dry-run$/, 'dryRunImport', () => (job.mapping?.assign ? { ...summary, assignments } : summary)),
    route('GET', /^\/v1\/org\/teams$/, 'listTeams', () => ({ object: 'list' as const, data: [team], hasMore: false, nextCursor: null })),
    route('POST', /^\/v1\/imports\/[a-f0-9]{24}\/run$/, 'getImport', () => Object.assign(job, { status: 'queued' as const })),
    route('GET', /^\/v1\/imports\/[a-f0-9]{24}$/, 'getImport', () => {
      reads += 1;
      const done = reads > (options.runningReads ?? 1);
      if (done && options.dailyLimit) {
        return Object.assign(job, {
          status: 'failed' as const,
          failure: "The agency's daily import limit of 1 rows is reached",
          stopReason: 'daily_row_cap' as const,
          resumesAt: '2026-12-05T00:00:00.000Z',
          progress: { read: 1, created: 1, updated: 0, skipped: 0, failed: 0, rowsPerSecond: 900, elapsedSeconds: 0.1 },
        });
      }
      return Object.assign(job, {
        status: done ? ('completed' as const) : ('running' as const),
        progress: done ? { read: 3, created: 2, updated: 0, skipped: 0, failed: 1, rowsPerSecond: 1250, elapsedSeconds: 0.1 } : { read: 1, created: 1, updated: 0, skipped: 0, failed: 0, rowsPerSecond: 900, elapsedSeconds: 0 },
      });
    }),
    route('GET', new RegExp(`^/v1/imports/(${kinds})/mappings$`), 'listLeadImportMappings', (m) => ({ object: 'list' as const, data: saved.filter((s) => s.kind === m[1]), hasMore: false, nextCursor: null })),
    route('POST', new RegExp(`^/v1/imports/(${kinds})/mappings$`), 'createLeadImportMapping', (m, _q, body) => {
      const entry = { ...(body as Omit<SavedMapping, 'id' | 'kind' | 'createdBy' | 'createdAt'>), kind: m[1] as SavedMapping['kind'], productId: null, teamId: null, tags: [], assign: (body as { assign?: SavedMapping['assign'] }).assign ?? null, id: hex(0x5a10 + saved.length), createdBy: hex(1), createdAt: '2026-12-04T09:00:00.000Z' } as SavedMapping;
      saved.push(entry);
      return entry;
    }),
    route('GET', /^\/v1\/workflows\/lead$/, 'getWorkflow', () => ({
      key: 'lead', name: 'Lead', initial: 'new', version: 0, updatedAt: null, transitions: [],
      states: [{ key: 'new', label: 'New', final: false }, { key: 'contacted', label: 'Contacted', final: false }, { key: 'qualified', label: 'Qualified', final: false }, { key: 'converted', label: 'Converted', final: true }, { key: 'disqualified', label: 'Disqualified', final: true }],
    })),
    route('POST', /^\/v1\/imports\/[a-f0-9]{24}\/undo$/, 'undoImport', () => ({ ...Object.assign(job, { status: 'undone' as const }), undone: { removed: 2, restored: 0 } })),
  ];
  const fetch: FetchLike = async (url, init) => {
    const parsed = new URL(url, 'http://memory.invalid');
    const method = init.method ?? 'GET';
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    calls.push({ method, path: parsed.pathname, body: init.body });
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    if (method === 'GET' && parsed.pathname.endsWith('/errors')) {
      return new Response('row,column,field,reason,Vorname,Nachname,E-Mail,Firma\r\n4,E-Mail,email,must be an email address,Kaputt,Mail,not-an-email,X\r\n', { status: 200, headers: { 'content-type': 'text/csv' } });
    }
    for (const [verb, pattern, handler] of routes) {
      const match = verb === method ? parsed.pathname.match(pattern) : null;
      if (match) return new Response(JSON.stringify(await handler(match, Object.fromEntries(parsed.searchParams), body, {})), { status: 200, headers: { 'content-type': 'application/json' } });
    }
    return new Response(JSON.stringify({ type: 'urn:crm:problem:not_found', title: 'Not found', status: 404, code: 'not_found', detail: `No route for ${method} ${parsed.pathname}` }), { status: 404, headers: { 'content-type': 'application/problem+json' } });
  };
  const transport = new Transport({ baseUrl: '', fetch, retries: 0, timeoutMs: 600_000 });
  const client = { ...(createMemoryApi().client as CrmDataClient), imports: new Imports(transport), ...(status ? { workflows: new Workflows(transport) } : {}), ...(options.withTeams ? { org: new Org(transport) } : {}) } as CrmDataClient;
  return { client, calls, saved };
}

const never: FetchLike = () => new Promise<Response>(() => undefined);
const unreachable: FetchLike = () => Promise.reject(new TypeError('Could not reach the CRM API.'));
const withImports = (fetch: FetchLike) => ({ ...(createMemoryApi().client as CrmDataClient), imports: new Imports(new Transport({ baseUrl: '', fetch, retries: 0, timeoutMs: 600_000 })) }) as CrmDataClient;

/** The id of the in-memory import. */
export const memoryImportId = hex(0x1e01);
/** A client whose import calls wait forever, to show loading. */
export const pendingImportsClient: CrmDataClient = withImports(never);
/** A client whose import calls fail as an unreachable API does. */
export const failingImportsClient: CrmDataClient = withImports(unreachable);
