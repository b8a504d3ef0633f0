import type { JobSpec, JobSpecStore, LogPosition } from './job-spec.store';

export type SpecWait = { spec: JobSpec } | { missing: string } | { interrupted: true };

export interface SpecWaitOptions {
  /** The first pause between looks; each next one doubles, up to `maxPollMs`. @default 25 */
  pollMs?: number;
  /** @default 500 */
  maxPollMs?: number;
  /** How long a projected submission may wait for its runbook version. @default 30000 */
  runbookGraceMs?: number;
  /** Called every `lagReportMs` while the projection is behind the assignment. */
  onLagging?(waitedMs: number): void;
  /** @default 30000 */
  lagReportMs?: number;
  /** The job's first attempt: no checkpoint or records yet, so its spec may come from memory (JobSpecStore.find). */
  firstAttempt?: boolean;
}

/**
 * Waits for an assigned job's spec. The job's submission is before its assignment in the job's
 * partition of job-events: while the specs projection has not passed the assignment, the spec is
 * on its way, however long a busy worker takes to get there (that is no reason to fail a job);
 * once it has passed it without the submission, the submission will not come. A projected
 * submission whose runbook version is missing waits `runbookGraceMs` for runbook-events (the
 * submission service publishes a version before it accepts jobs of it). A stop or release of the
 * run ends the wait. The looks back off: a worker whose slots all wait must not load Postgres
 * (and itself) so much that the projection it waits for falls further behind; the submission
 * projected by this process's own consumer ends a pause at once.
 */
export async function waitForSpec(store: JobSpecStore, accountId: string, jobId: string, assignedAt: LogPosition, signal: AbortSignal, options: SpecWaitOptions = {}): Promise<SpecWait> {
  let pollMs = options.pollMs ?? 25;
  const maxPollMs = options.maxPollMs ?? 500;
  const runbookGraceMs = options.runbookGraceMs ?? 30_000;
  const lagReportMs = options.lagReportMs ?? 30_000;
  const started = Date.now();
  let reportedAt = started;
  let submissionSeenAt: number | null = null;
  const watch = store.watchSubmission(accountId, jobId);
  try {
    for (;;) {
      const spec = await store.find(accountId, jobId, options.firstAttempt);
      if (spec) return { spec };
      if (signal.aborted) return { interrupted: true };
      if (await store.hasSubmission(accountId, jobId)) {
        submissionSeenAt ??= Date.now();
        if (Date.now() - submissionSeenAt > runbookGraceMs) {
          return { missing: `its runbook version is not on runbook-events ${runbookGraceMs} ms after its submission was projected` };
        }
      } else if (await store.hasProjectedPast(assignedAt)) {
        // The batch with the submission may have committed between the two looks.
        const late = await store.find(accountId, jobId, options.firstAttempt);
        return late ? { spec: late } : { missing: `its submission is not on ${assignedAt.topic} before its assignment (partition ${assignedAt.partition}, offset ${assignedAt.offset})` };
      }
      if (Date.now() - reportedAt >= lagReportMs) {
        options.onLagging?.(Date.now() - started);
        reportedAt = Date.now();
      }
      await watch.pause(pollMs);
      pollMs = Math.min(pollMs * 2, maxPollMs);
    }
  } finally {
    watch.close();
  }
}
