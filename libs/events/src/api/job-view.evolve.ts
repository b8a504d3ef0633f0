import { evolve, isFinalStatus } from '@jobledger/domain';
import type { JobEvent, JobState } from '@jobledger/domain';
import type { JobView } from './job-view';

/**
 * The read model of one job: the domain state decides the status, and this adds what only
 * readers care about (times, worker, reason). Pure, so a rebuild from the log gives the same rows.
 */
export function evolveJobView(view: JobView | null, state: JobState, event: JobEvent, occurredAt: string): { view: JobView | null; state: JobState } {
  const next = evolve(state, event);
  if (event.type === 'JobSubmitted') {
    const d = event.data;
    return {
      state: next,
      view: {
        id: d.jobId, name: d.name, runbook: d.runbook.name, runbookVersion: d.runbook.version, parameters: d.parameters,
        status: 'Queued', reason: next.reason, worker: null, runOn: d.runOn, priority: d.priority, tags: d.tags, errorAction: d.errorAction,
        attempt: 0, createdAt: d.at, startedAt: null, endedAt: null, lastModifiedAt: occurredAt, lastCheckpointAt: null,
        fairShareUnloads: 0, hasMoreData: false, costEstimate: null, cost: null,
      },
    };
  }
  if (!view || !next.status) return { view, state: next };
  const updated: JobView = {
    ...view,
    status: next.status,
    reason: next.reason,
    worker: next.worker,
    attempt: next.attempt,
    fairShareUnloads: next.fairShareUnloads,
    lastCheckpointAt: next.lastCheckpointAt,
    lastModifiedAt: occurredAt,
  };
  if (event.type === 'JobStarted' && !view.startedAt) updated.startedAt = event.data.at;
  if (isFinalStatus(next.status) && !view.endedAt) updated.endedAt = occurredAt;
  return { view: updated, state: next };
}
