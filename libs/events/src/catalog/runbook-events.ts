import type { RunbookRuntime } from '@jobledger/domain';

export interface RunbookPublishedData {
  name: string;
  version: number;
  runtime: RunbookRuntime;
  source: string;
  sha256: string;
  runOn: string | null;
  description: string | null;
  at: string;
}

export type RunbookEvent = { type: 'RunbookPublished'; data: RunbookPublishedData };
