import { spawn, type ChildProcess } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointFifo } from './checkpoint-fifo';
import { cleanEnv, createJobHome } from './job-env';
import { signalGroup } from './process-group';
import { RunSession, type RunContext } from './run-session';
import { failedOutcome, type RunEnding, type RunOutcome, type RunRequest } from './runner.types';

const CHECKPOINT_POLL_MS = 10;

/** Runs a bash runbook: stdout lines are Output, stderr lines Error, exit code 0 completes with result null. */
export async function runShell(req: RunRequest, ctx: RunContext): Promise<RunOutcome> {
  const home = createJobHome(ctx.runAs);
  const script = join(home, 'runbook.sh');
  let fifo: CheckpointFifo | undefined;
  let child: ChildProcess;
  try {
    await writeFile(script, req.source);
    fifo = await CheckpointFifo.create(join(home, 'checkpoint'), ctx.runAs);
    child = spawn('bash', ['--noprofile', '--norc', script], {
      cwd: home,
      env: shellEnv(req, home, fifo.path),
      detached: true, // own process group: `kill -pgid` takes the script's forks down too
      ...ctx.runAs,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    fifo?.close();
    await rm(home, { recursive: true, force: true });
    const message = `Could not start bash: ${(error as Error).message}`;
    return failedOutcome('Crashed', message, 'system');
  }
  // Reported by the session; an unhandled 'error' event would crash the worker.
  for (const emitter of [child, child.stdout, child.stderr]) emitter?.on('error', () => undefined);
  const checkpoints = fifo;
  const session: RunSession = new RunSession({
    ...ctx,
    child,
    home,
    rssLimitBytes: ctx.limits.memoryMb * 1024 * 1024,
    startSeq: req.startSeq,
    // A script paused for a checkpoint must be running to see its SIGTERM.
    requestStop: () => (signalGroup(child.pid, 'SIGTERM'), signalGroup(child.pid, 'SIGCONT')),
    afterExit: () => readCheckpoints(session, checkpoints, ctx.limits.maxCheckpointBytes),
    classifyExit: classifyShellExit,
  });
  const poll = setInterval(() => readCheckpoints(session, checkpoints, ctx.limits.maxCheckpointBytes, child.pid), CHECKPOINT_POLL_MS);
  try {
    return await session.run();
  } finally {
    clearInterval(poll);
    checkpoints.close();
  }
}

/**
 * Reads the checkpoint lines written so far. A write to a file cannot wait for the worker, so the
 * script's process group is paused (SIGSTOP) as soon as its checkpoint is read — within the poll
 * interval — and continued once every checkpoint read is persisted.
 */
function readCheckpoints(session: RunSession, fifo: CheckpointFifo, maxBytes: number, pid?: number): void {
  if (session.isOver) return;
  let read: ReturnType<CheckpointFifo['readLines']>;
  try {
    read = fifo.readLines(maxBytes);
  } catch (error) {
    return session.fail('Crashed', `Could not read the checkpoint file: ${(error as Error).message}`);
  }
  const { lines, overflow } = read;
  const persisting: Promise<unknown>[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    const bytes = Buffer.byteLength(line);
    if (bytes > maxBytes) return tooLarge(session, `${bytes} bytes`, maxBytes);
    let state: unknown;
    try {
      state = JSON.parse(line);
    } catch {
      return session.fail('InvalidCheckpoint', `A line written to $JOBLEDGER_CHECKPOINT_FILE is not JSON: ${line.slice(0, 200)}`, 'runbook');
    }
    persisting.push(session.sink.checkpoint(state).catch(() => undefined)); // a hook failure fails the session itself
  }
  if (pid !== undefined && persisting.length > 0) {
    signalGroup(pid, 'SIGSTOP');
    void Promise.all(persisting).then(() => {
      if (!session.isOver) signalGroup(pid, 'SIGCONT');
    });
  }
  if (overflow) tooLarge(session, 'more than that', maxBytes);
}

function tooLarge(session: RunSession, size: string, maxBytes: number): void {
  session.fail('CheckpointTooLarge', `Checkpoint state is ${size} of JSON; the limit is ${maxBytes} bytes`, 'runbook');
}

function classifyShellExit(code: number | null, signal: NodeJS.Signals | null): RunEnding {
  if (code === 0) return { kind: 'completed', result: null };
  if (code !== null) return { kind: 'failed', reason: { type: 'RunbookError', message: `The script exited with code ${code}`, source: 'runbook' } };
  return { kind: 'failed', reason: { type: 'Crashed', message: `The script was killed by ${signal}`, source: 'runbook' } };
}

function shellEnv(req: RunRequest, home: string, checkpointFile: string): NodeJS.ProcessEnv {
  const parameters = req.parameters ?? {};
  const env: NodeJS.ProcessEnv = {
    ...cleanEnv(home),
    JOBLEDGER_JOB_ID: req.jobId,
    JOBLEDGER_JOB_ATTEMPT: String(req.attempt),
    JOBLEDGER_CHECKPOINT_FILE: checkpointFile,
    JOBLEDGER_RESUME_STATE: req.resumeState === undefined ? '' : JSON.stringify(req.resumeState),
    JOBLEDGER_PARAMETERS: JSON.stringify(parameters),
  };
  for (const [name, value] of Object.entries(parameters)) {
    const key = `JOBLEDGER_PARAM_${name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
    env[key] = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  }
  return env;
}
