import { JOB_EVENT_TYPES } from '@jobledger/domain';
import type { JobEvent } from '@jobledger/domain';
import type { TopicNames } from '../topics/topic-names';
import type { OutputEvent } from './output-events';
import type { RunbookEvent } from './runbook-events';
import type { WorkerEvent } from './worker-events';

export type DomainEvent = JobEvent | RunbookEvent | WorkerEvent | OutputEvent;
export type EventType = DomainEvent['type'];

export interface EventTypeInfo {
  /** The schemaVersion producers write today. */
  currentVersion: number;
  topic: keyof TopicNames;
  /** Data fields every version-current event must carry. */
  required: readonly string[];
}

const jobEventRequired: Record<JobEvent['type'], readonly string[]> = {
  JobSubmitted: ['jobId', 'accountId', 'name', 'runbook', 'parameters', 'priority', 'tags', 'errorAction', 'at'],
  JobQueued: ['at'],
  JobAssigned: ['worker', 'workerGroup', 'attempt', 'at'],
  JobStarted: ['worker', 'attempt', 'at'],
  JobCheckpointed: ['attempt', 'checkpointId', 'at'],
  JobStopRequested: ['at'],
  JobStopped: ['at'],
  JobSuspendRequested: ['at'],
  JobSuspended: ['at'],
  JobResumeRequested: ['at'],
  JobUnloaded: ['unloads', 'at'],
  JobWorkerLost: ['worker', 'at'],
  JobCompleted: ['outputRecords', 'at'],
  JobFailed: ['reason', 'at'],
  JobFailedWaitingForResources: ['reason', 'at'],
  JobRemoved: ['forced', 'at'],
  JobRequestRefused: ['request', 'status', 'code', 'at'],
};

const catalog = new Map<string, EventTypeInfo>([
  ...JOB_EVENT_TYPES.map((type): [string, EventTypeInfo] => [
    type,
    { currentVersion: 1, topic: 'jobEvents', required: jobEventRequired[type] },
  ]),
  ['RunbookPublished', { currentVersion: 1, topic: 'runbookEvents', required: ['name', 'version', 'runtime', 'source', 'sha256', 'at'] }],
  ['WorkerHeartbeat', { currentVersion: 1, topic: 'workerEvents', required: ['workerId', 'group', 'slots', 'running', 'at'] }],
  ['WorkerGroupConfigured', { currentVersion: 1, topic: 'workerEvents', required: ['name', 'fairShareSeconds', 'ratePerCpuSecond', 'cancelWhileRunning', 'at'] }],
  ['WorkerStopped', { currentVersion: 1, topic: 'workerEvents', required: ['workerId', 'group', 'at'] }],
  ['JobOutputRecorded', { currentVersion: 1, topic: 'jobOutput', required: ['attempt', 'records'] }],
]);

export function eventTypeInfo(type: string): EventTypeInfo | undefined {
  return catalog.get(type);
}

export function knownEventTypes(): string[] {
  return [...catalog.keys()];
}
