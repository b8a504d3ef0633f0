import { randomUUID } from 'node:crypto';
import { applyHostMessage, sendToHost } from './host-messages';
import { RUNBOOK_FILE } from './node-host.source';
import { createJobHome } from './job-env';
import type { NodeHost } from './node-host';
import { RunSession, type RunContext } from './run-session';
import { failedOutcome, type RunEnding, type RunLimits, type RunOutcome, type RunRequest } from './runner.types';

/** Room above the V8 heap limit for code, stacks and buffers before the resident-memory watch kills. */
const RSS_HEADROOM_MB = 128;

export interface NodeRun {
  outcome: RunOutcome;
  /** The host ended the job itself, left nothing running and is alive: it may take another job of the same key. */
  hostReusable: boolean;
}

/**
 * Runs a node runbook on a started host, in a home of its own (the host's first job gets the one it was
 * started in). The host is killed when the run ends, unless it may be kept for another job.
 */
export async function runNode(req: RunRequest, host: NodeHost, ctx: RunContext): Promise<NodeRun> {
  const { child } = host;
  let home: string;
  try {
    home = host.jobs === 0 ? host.home : createJobHome(ctx.runAs);
  } catch (error) {
    const message = `Could not create the job's home directory: ${(error as Error).message}`;
    return { outcome: failedOutcome('Crashed', message, 'system'), hostReusable: false };
  }
  host.jobs++;
  const endMark = `jobledger-end-of-job ${randomUUID()}`;
  const session = new RunSession({
    ...ctx,
    child,
    home,
    homeFiles: [RUNBOOK_FILE],
    endMark,
    group: host.group,
    rssLimitBytes: (ctx.limits.memoryMb + RSS_HEADROOM_MB) * 1024 * 1024,
    startSeq: req.startSeq,
    requestStop: () => sendToHost(child, { t: 'stop' }),
    classifyExit: (code, signal, stderrTail) => classifyNodeExit(code, signal, stderrTail, ctx.limits),
  });
  session.listen(child, 'message', (msg: unknown) => applyHostMessage(session, child, ctx.limits, msg));
  sendToHost(child, {
    t: 'start',
    jobId: req.jobId,
    attempt: req.attempt,
    home,
    endMark,
    source: req.source,
    paramsJson: JSON.stringify(req.parameters ?? {}),
    resumeJson: req.resumeState === undefined ? null : JSON.stringify(req.resumeState),
    maxCheckpointBytes: ctx.limits.maxCheckpointBytes,
    maxOutputBytes: ctx.limits.maxOutputBytes,
  });
  const outcome = await session.run();
  return { outcome, hostReusable: session.keptProcess };
}

/** The host never exits by itself before `done`: any exit is a crash, or V8 running out of heap. */
/** The host's exit code when the runbook went over its output limit (node-host.source.ts). */
const OUTPUT_LIMIT_EXIT = 86;

function classifyNodeExit(code: number | null, signal: NodeJS.Signals | null, stderrTail: string, limits: RunLimits): RunEnding {
  if (/heap out of memory|Allocation failed/i.test(stderrTail)) {
    return { kind: 'failed', reason: { type: 'MemoryLimit', message: `Runbook exceeded its memory limit of ${limits.memoryMb} MiB`, source: 'system' } };
  }
  if (code === OUTPUT_LIMIT_EXIT) {
    return { kind: 'failed', reason: { type: 'OutputLimit', message: `Runbook exceeded its output limit of ${limits.maxOutputBytes} bytes`, source: 'system' } };
  }
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  return { kind: 'failed', reason: { type: 'Crashed', message: `The runbook process ${how} before the runbook finished`, source: 'runbook' } };
}
