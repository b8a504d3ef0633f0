import { createHash } from 'node:crypto';
import { HostPool } from './host-pool';
import { runNode } from './node-run';
import type { RunContext } from './run-session';
import { DEFAULT_RUN_LIMITS, failedOutcome, type RunHooks, type RunOutcome, type RunRequest, type RunbookRunner, type RunnerOptions } from './runner.types';
import { runShell } from './shell-run';

const DEFAULT_WARM_PROCESSES = 2;
const DEFAULT_STOP_GRACE_MS = 2000;
const DEFAULT_MAX_JOBS_PER_HOST = 100;
const DEFAULT_KEPT_HOSTS = 4;
const DEFAULT_KEPT_HOST_IDLE_MS = 60_000;

/**
 * Runs runbook jobs in child processes, one job per process (group) at a time; a node host that ended its job
 * cleanly may run later jobs of the same account and runbook version (`maxJobsPerHost`). Nothing a runbook
 * does — throwing, crashing, exhausting memory, flooding output, forging IPC messages — may crash the worker;
 * it only ends the job.
 */
export function createRunbookRunner(options: RunnerOptions = {}): RunbookRunner {
  const stopGraceMs = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
  const { runAs } = options;
  const pool = new HostPool(options.warmProcesses ?? DEFAULT_WARM_PROCESSES, DEFAULT_RUN_LIMITS.memoryMb, runAs, {
    maxJobsPerHost: options.maxJobsPerHost ?? DEFAULT_MAX_JOBS_PER_HOST,
    maxKept: options.keptHosts ?? DEFAULT_KEPT_HOSTS,
    keptIdleMs: options.keptHostIdleMs ?? DEFAULT_KEPT_HOST_IDLE_MS,
  });
  const shutdown = new AbortController();
  const active = new Set<Promise<RunOutcome>>();

  async function runOne(req: RunRequest, hooks: RunHooks, signal: AbortSignal): Promise<RunOutcome> {
    const limits = { ...DEFAULT_RUN_LIMITS, ...req.limits };
    const ctx: RunContext = { limits, hooks, signal, shutdown: shutdown.signal, stopGraceMs, runAs };
    if (signal.aborted) return { kind: 'stopped', records: 0 };
    switch (req.runtime) {
      case 'node': {
        const key = hostKey(req, limits.memoryMb);
        const host = await pool.take(limits.memoryMb, key);
        if (!host) return failedOutcome('Crashed', 'The node runbook host could not start', 'system');
        const { outcome, hostReusable } = await runNode(req, host, ctx);
        if (hostReusable) pool.release(host, key);
        return outcome;
      }
      case 'shell':
        return runShell(req, ctx);
      default:
        return failedOutcome('InvalidRunbook', `Unknown runtime ${JSON.stringify(req.runtime as unknown)}; expected "node" or "shell"`, 'runbook');
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

/** Which jobs may share a host: those of one account, one runbook source and one memory limit. */
function hostKey(req: RunRequest, memoryMb: number): string {
  return `${req.accountId}\n${memoryMb}\n${createHash('sha256').update(req.source).digest('base64')}`;
}
