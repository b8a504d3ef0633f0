import { readFileSync } from 'node:fs';
import { DEFAULT_RUN_LIMITS, type RunHooks, type RunLimits, type RunOutcome, type RunRequest, type RunbookRunner, type RunnerRecord } from '../index';

export interface CollectingHooks extends RunHooks {
  records: RunnerRecord[];
  batches: number;
  checkpoints: unknown[];
}

export function collectingHooks(overrides: Partial<RunHooks> = {}): CollectingHooks {
  const hooks: CollectingHooks = {
    records: [],
    batches: 0,
    checkpoints: [],
    async onRecords(records) {
      hooks.batches++;
      hooks.records.push(...records);
      await overrides.onRecords?.(records);
    },
    async onCheckpoint(state) {
      await overrides.onCheckpoint?.(state);
      hooks.checkpoints.push(state);
    },
  };
  return hooks;
}

export function request(
  runtime: RunRequest['runtime'],
  source: string,
  overrides: Omit<Partial<RunRequest>, 'limits'> & { limits?: Partial<RunLimits> } = {},
): RunRequest {
  return {
    jobId: 'job-1',
    accountId: 'account-1',
    attempt: 1,
    runtime,
    source,
    parameters: {},
    startSeq: 1,
    ...overrides,
    limits: { ...DEFAULT_RUN_LIMITS, ...overrides.limits },
  };
}

export interface Finished extends CollectingHooks {
  outcome: RunOutcome;
  elapsedMs: number;
}

export async function runToEnd(
  runner: RunbookRunner,
  req: RunRequest,
  options: { signal?: AbortSignal; hooks?: CollectingHooks } = {},
): Promise<Finished> {
  const hooks = options.hooks ?? collectingHooks();
  const started = performance.now();
  const outcome = await runner.run(req, hooks, options.signal ?? new AbortController().signal);
  return Object.assign(hooks, { outcome, elapsedMs: performance.now() - started });
}

export const values = (hooks: CollectingHooks, stream = 'Output'): unknown[] =>
  hooks.records.filter((record) => record.stream === stream).map((record) => record.value);

/** A process counts as gone once it no longer exists or is a zombie nobody reaped yet. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

export async function eventually(check: () => boolean, timeoutMs = 2000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}
