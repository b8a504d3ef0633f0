import { applyHostMessage, sendToHost } from './host-messages';
import type { NodeHost } from './node-host';
import { RunSession, type RunContext } from './run-session';
import type { RunEnding, RunLimits, RunOutcome, RunRequest } from './runner.types';

/** Room above the V8 heap limit for code, stacks and buffers before the resident-memory watch kills. */
const RSS_HEADROOM_MB = 128;

/** Runs a node runbook on a started host; the host is killed when the run ends. */
export function runNode(req: RunRequest, host: NodeHost, ctx: RunContext): Promise<RunOutcome> {
  const { child } = host;
  const session = new RunSession({
    ...ctx,
    child,
    home: host.home,
    rssLimitBytes: (ctx.limits.memoryMb + RSS_HEADROOM_MB) * 1024 * 1024,
    startSeq: req.startSeq,
    requestStop: () => sendToHost(child, { t: 'stop' }),
    classifyExit: (code, signal, stderrTail) => classifyNodeExit(code, signal, stderrTail, ctx.limits),
  });
  child.on('message', (msg) => applyHostMessage(session, child, ctx.limits, msg));
  sendToHost(child, {
    t: 'start',
    jobId: req.jobId,
    attempt: req.attempt,
    source: req.source,
    paramsJson: JSON.stringify(req.parameters ?? {}),
    resumeJson: req.resumeState === undefined ? null : JSON.stringify(req.resumeState),
    maxCheckpointBytes: ctx.limits.maxCheckpointBytes,
    maxOutputBytes: ctx.limits.maxOutputBytes,
  });
  return session.run();
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
