// What <crm-dashboard> asks of the API, through the SDK: the dashboard (`crm.dashboards.list/get`), its
// widgets' figures (`crm.metrics.query`, `crm.targets.attainment`), saving the layout
// (`crm.dashboards.update`, or `create` for a personal copy of a role's default) and the realtime
// `metric.changed` message that says a roll-up moved.
import type { Attainment, AttainmentParams, CrmClient as SdkClient, Dashboard, DashboardWidget, MetricBatchItem, MetricBatchQuery, MetricChanged, MetricQueryParams, MetricResult, Realtime } from '@crm/client-sdk';

/** What a `metric.changed` message names (never a value: each client reads its own figures again). */
export type MetricChange = MetricChanged;

import type { CrmCallOptions, CrmDataClient } from './transport.js';

export type { Attainment, Dashboard, DashboardWidget, MetricBatchItem, MetricBatchQuery, MetricResult };

type DashboardResources = Pick<SdkClient, 'dashboards' | 'metrics' | 'targets'>;

type DashboardClient = CrmDataClient & Partial<DashboardResources>;

function resources(client: CrmDataClient): DashboardResources {
  const c = client as DashboardClient;
  if (!c.dashboards || !c.metrics || !c.targets) throw new Error('This CRM client has no dashboards: update @crm/client-sdk.');
  return c as DashboardResources;
}

/** The dashboard `id`, or (without one) the caller's first: their own, else their role's default. */
export async function loadDashboard(client: CrmDataClient, id: string, options?: CrmCallOptions): Promise<Dashboard | undefined> {
  const api = resources(client);
  if (id) return api.dashboards.get(id, options);
  return (await api.dashboards.list(options)).data[0];
}

/** Saves name and widgets: into the dashboard when the caller may change it, else as a new personal copy. */
export function saveDashboard(client: CrmDataClient, dashboard: Dashboard, widgets: DashboardWidget[]): Promise<Dashboard> {
  const api = resources(client);
  const body = { name: dashboard.name, widgets };
  // Only if nobody saved it meanwhile (If-Match on its version); a role's default becomes the user's own copy.
  return dashboard.editable ? api.dashboards.update(dashboard.id, body, { ifMatch: dashboard.version }) : api.dashboards.create(body);
}

/** A metric over `from`..`to`, split by `dimension`. */
export function queryMetric(client: CrmDataClient, params: MetricQueryParams, options?: CrmCallOptions): Promise<MetricResult> {
  return resources(client).metrics.query(params, options);
}

/** The most queries one batch carries (the API's limit). */
const batchLimit = 50;

/**
 * Several series and attainments in one request per 50 (`crm.metrics.batch`), one answer per query in
 * order; undefined when the host's client predates the batch route (the caller then asks one by one).
 */
export async function queryBatch(client: CrmDataClient, queries: MetricBatchQuery[], options?: CrmCallOptions): Promise<MetricBatchItem[] | undefined> {
  const metrics = resources(client).metrics as Partial<SdkClient['metrics']>;
  if (typeof metrics.batch !== 'function') return undefined;
  const batch = metrics.batch.bind(metrics);
  const chunks: MetricBatchQuery[][] = [];
  for (let i = 0; i < queries.length; i += batchLimit) chunks.push(queries.slice(i, i + batchLimit));
  const answers = await Promise.all(chunks.map((chunk) => batch(chunk, options)));
  return answers.flatMap((answer) => answer.results);
}

/** The attainment of a subject (`owner` + user id, or `all`) in the period starting `periodStart`. */
export function loadAttainment(client: CrmDataClient, params: AttainmentParams, options?: CrmCallOptions): Promise<Attainment> {
  return resources(client).targets.attainment(params, options);
}

/**
 * Calls `handler` on each `metric.changed` message and `onConnected` each time the socket (re)connects
 * (changes made while it was away were missed); returns the function that stops listening.
 */
export function watchMetrics(client: CrmDataClient, handler: (change: MetricChange) => void, onConnected?: () => void): () => void {
  // A host's client double may have no realtime, or one without `on`: then the figures just stay as loaded.
  const realtime = (client as { realtime?: Partial<Pick<Realtime, 'on'>> }).realtime;
  if (typeof realtime?.on !== 'function') return () => undefined;
  return realtime.on('metric.changed', handler, onConnected ? { onConnected } : {});
}
