import { applyHostMessage, sendToHost } from './host-messages';
import type { NodeHost } from './node-host';
import { RunSession, type RunContext } from './run-session';
import type { RunEnding, RunOutcome, RunRequest } from './runner.types';

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
    classifyExit: (code, signal, stderrTail) => classifyNodeExit(code, signal, stderrTail, ctx.limits.memoryMb),
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
  });
  return session.run();
}

/** The host never exits by itself before `done`: any exit is a crash, or V8 running out of heap. */
function classifyNodeExit(code: number | null, signal: NodeJS.Signals | null, stderrTail: string, memoryMb: number): RunEnding {
  if (/heap out of memory|Allocation failed/i.test(stderrTail)) {
    return { kind: 'failed', reason: { type: 'MemoryLimit', message: `Runbook exceeded its memory limit of ${memoryMb} MiB`, source: 'system' } };
  }
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  return { kind: 'failed', reason: { type: 'Crashed', message: `The runbook process ${how} before the runbook finished`, source: 'runbook' } };
}
