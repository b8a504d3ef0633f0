import { HostPool } from './host-pool';
import { runNode } from './node-run';
import type { RunContext } from './run-session';
import { DEFAULT_RUN_LIMITS, type FailureReason, type RunHooks, type RunOutcome, type RunRequest, type RunbookRunner, type RunnerOptions } from './runner.types';
import { runShell } from './shell-run';

const DEFAULT_WARM_PROCESSES = 2;
const DEFAULT_STOP_GRACE_MS = 2000;

/**
 * Runs runbook jobs in child processes, one process (group) per job. Nothing a runbook does — throwing,
 * crashing, exhausting memory, flooding output, forging IPC messages — may crash the worker; it only ends the job.
 */
export function createRunbookRunner(options: RunnerOptions = {}): RunbookRunner {
  const stopGraceMs = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
  const { runAs } = options;
  const pool = new HostPool(options.warmProcesses ?? DEFAULT_WARM_PROCESSES, DEFAULT_RUN_LIMITS.memoryMb, runAs);
  const shutdown = new AbortController();
  const active = new Set<Promise<RunOutcome>>();

  async function runOne(req: RunRequest, hooks: RunHooks, signal: AbortSignal): Promise<RunOutcome> {
    const limits = { ...DEFAULT_RUN_LIMITS, ...req.limits };
    const ctx: RunContext = { limits, hooks, signal, shutdown: shutdown.signal, stopGraceMs, runAs };
    if (signal.aborted) return { kind: 'stopped', records: 0 };
    switch (req.runtime) {
      case 'node': {
        const host = await pool.take(limits.memoryMb);
        if (host) return runNode(req, host, ctx);
        return failed('Crashed', 'The node runbook host could not start', 'system');
      }
      case 'shell':
        return runShell(req, ctx);
      default:
        return failed('InvalidRunbook', `Unknown runtime ${JSON.stringify(req.runtime as unknown)}; expected "node" or "shell"`, 'runbook');
    }
  }

  return {
    run(req, hooks, signal) {
      if (shutdown.signal.aborted) return Promise.reject(new Error('The runbook runner is closed'));
      const run = runOne(req, hooks, signal);
      active.add(run);
      const forget = (): boolean => active.delete(run);
      void run.then(forget, forget);
      return run;
    },
    async close() {
      shutdown.abort();
      pool.close();
      await Promise.allSettled([...active]);
    },
  };
}

function failed(type: FailureReason['type'], message: string, source: FailureReason['source']): RunOutcome {
  return { kind: 'failed', reason: { type, message, source }, records: 0 };
}
