import type { ErrorAction, JobReason, JobStatus } from '@jobledger/domain';

/** A job as the REST API shows it (SPEC §1), with ISO-8601 times. */
export interface JobView {
  id: string;
  name: string;
  runbook: string;
  runbookVersion: number;
  parameters: Record<string, unknown>;
  status: JobStatus;
  reason: JobReason | null;
  worker: string | null;
  runOn: string | null;
  priority: number;
  tags: string[];
  errorAction: ErrorAction;
  attempt: number;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  lastModifiedAt: string;
  lastCheckpointAt: string | null;
  fairShareUnloads: number;
  hasMoreData: boolean;
  /** Estimated CPU-seconds × rate; null until the worker group has a rate. */
  costEstimate: number | null;
  cost: number | null;
}
