import type { ImportCounts, ImportJob } from './import.model.js';

export const emptyCounts = (): ImportCounts => ({ read: 0, created: 0, updated: 0, skipped: 0, failed: 0 });

/** An import as the API answers it: file, header, sample, suggested and saved mapping, status and progress. */
export function toImportDto(job: ImportJob) {
  const elapsed = job.startedAt ? ((job.finishedAt ?? job.heartbeatAt ?? job.startedAt).getTime() - job.startedAt.getTime()) / 1000 : 0;
  return {
    id: String(job._id),
    kind: job.kind,
    fileName: job.fileName,
    format: job.format,
    size: job.size,
    encoding: job.encoding,
    delimiter: job.delimiter,
    headers: job.headers,
    sample: job.sample.map((r) => r.cells),
    suggestedMapping: job.headers.map((column, i) => ({ column, field: job.suggested[i] ?? null })),
    mapping: job.mapping
      ? {
          columns: job.headers.map((column, i) => ({ column, field: job.mapping!.columns[i] ?? null })),
          dedupeKey: job.mapping.dedupeKey,
          mode: job.mapping.mode,
          productId: job.mapping.productId ? String(job.mapping.productId) : null,
          teamId: job.mapping.teamId ? String(job.mapping.teamId) : null,
          tags: job.mapping.tags,
          locale: job.mapping.locale ?? null,
          statusMap: job.mapping.statusMap ?? null,
          assign: job.mapping.assign ? { teamId: String(job.mapping.assign.teamId), strategy: job.mapping.assign.strategy } : null,
        }
      : null,
    status: job.status,
    progress: { ...emptyCounts(), ...job.counts, rowsPerSecond: Math.round(job.rowsPerSecond), elapsedSeconds: Math.round(elapsed * 10) / 10 },
    dryRun: job.dryRun,
    failure: job.failure,
    fileRemovedAt: job.fileRemovedAt?.toISOString() ?? null,
    stopReason: job.stopReason ?? null,
    resumesAt: job.resumesAt?.toISOString() ?? null,
    createdBy: String(job.createdBy),
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}

export type ImportDto = ReturnType<typeof toImportDto>;
