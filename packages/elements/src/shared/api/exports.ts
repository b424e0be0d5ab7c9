// What <crm-export-button> and <crm-export-list> ask of the API, through the SDK's `crm.exports`: ask for
// a background export of a kind (the records and columns are the role's export profile, decided by the
// API), follow it (`crm.exports.get`, and the realtime message `export.progress` whose payload is the
// export), list the user's own, and download the finished file.
import type { CrmClient as SdkClient, Export, ExportKind } from '@crm/client-sdk';
import type { CrmClient } from '../../context/client-context.js';

export type { Export, ExportKind };

/** Every kind an export may be of, in the order pickers show them. */
export const exportKinds: readonly ExportKind[] = ['contacts', 'leads', 'customers', 'opportunities', 'tasks', 'activities', 'tickets', 'campaigns'];

/** The formats an export is written in. */
export type ExportFormat = Export['format'];

/** A client that can export: the SDK's `crm.exports`, and `realtime.on` for live progress when it has it (a host's double may not). */
export type ExportClient = CrmClient & Pick<SdkClient, 'exports'> & { readonly realtime?: Partial<Pick<SdkClient['realtime'], 'on'>> };

/** Narrows the provider's client to one with exports, or throws a clear error. */
export function exportClient(client: CrmClient | undefined): ExportClient {
  if (!client || typeof (client as Partial<ExportClient>).exports?.create !== 'function') {
    throw new Error('No CRM client with exports: put the element inside a <crm-provider> with a client of @crm/client-sdk.');
  }
  return client as ExportClient;
}

/** True while the job has yet to finish (its file is not written yet). */
export function isUnderway(job: Pick<Export, 'status'>): boolean {
  return job.status === 'queued' || job.status === 'running';
}

const rank: Record<Export['status'], number> = { queued: 0, running: 1, completed: 2, failed: 2, expired: 3 };

/**
 * Whether `next` is news about `current`: a later status, or more rows in the same one. Realtime and
 * polling can deliver out of order, and the same reading twice; neither an older nor a repeated one counts.
 */
export function isNewer(next: Export, current: Export | undefined): boolean {
  if (!current || current.id !== next.id) return true;
  return rank[next.status] > rank[current.status] || (next.status === current.status && next.rows > current.rows);
}

/**
 * Calls `handler` with each `export.progress` message (the export as `crm.exports.get` answers it) and
 * `onConnected` each time the socket (re)connects; returns the function that stops listening. A client
 * without realtime (a host's double) gets no messages: callers poll.
 */
export function watchExports(client: ExportClient, handler: (job: Export) => void, onConnected?: () => void): () => void {
  const realtime = client.realtime;
  if (typeof realtime?.on !== 'function') return () => undefined;
  return realtime.on('export.progress', handler, onConnected ? { onConnected } : {});
}

/** Hands `blob` to the browser as a download named `fileName`. */
export function saveFile(blob: Blob, fileName: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
