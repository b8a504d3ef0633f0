export type RunbookRuntime = 'node' | 'shell';

/** The exact, immutable runbook version a job runs (SPEC §1). */
export interface RunbookRef {
  name: string;
  version: number;
  sha256: string;
  runtime: RunbookRuntime;
}

/**
 * What an uncaught runbook error does (SPEC §2 "Error handling").
 * @default 'continue'
 */
export type ErrorAction = 'continue' | 'stop';
