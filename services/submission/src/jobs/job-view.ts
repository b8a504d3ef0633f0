import type { JobEventData } from '@jobledger/domain';
import type { JobView } from '@jobledger/events';

/** The job as it stands right after submission: Queued, nothing run yet. */
export function submittedJobView(submitted: JobEventData<'JobSubmitted'>): JobView {
  return {
    id: submitted.jobId,
    name: submitted.name,
    runbook: submitted.runbook.name,
    runbookVersion: submitted.runbook.version,
    parameters: submitted.parameters,
    status: 'Queued',
    reason: null,
    worker: null,
    runOn: submitted.runOn,
    priority: submitted.priority,
    tags: submitted.tags,
    errorAction: submitted.errorAction,
    attempt: 0,
    createdAt: submitted.at,
    startedAt: null,
    endedAt: null,
    lastModifiedAt: submitted.at,
    lastCheckpointAt: null,
    fairShareUnloads: 0,
    hasMoreData: false,
    costEstimate: null,
    cost: null,
  };
}
