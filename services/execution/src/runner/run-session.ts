import type { ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { LineSplitter } from './line-splitter';
import { signalGroup, treeRssBytes } from './process-group';
import { RecordSink } from './record-sink';
import type { FailureReason, RunAs, RunEnding, RunHooks, RunLimits, RunOutcome, StreamName } from './runner.types';

const MEMORY_POLL_MS = 250;
const MAX_TIMER_MS = 2 ** 31 - 1;
const STDERR_TAIL_CHARS = 4096;

/** What every run gets from the runner. */
export interface RunContext {
  limits: RunLimits;
  hooks: RunHooks;
  /** The user's stop. */
  signal: AbortSignal;
  /** The runner closing. */
  shutdown: AbortSignal;
  stopGraceMs: number;
  runAs?: RunAs;
}

export interface SessionConfig extends RunContext {
  /** Spawned `detached`, so its pid is also the id of the job's process group. */
  child: ChildProcess;
  /** The job's private HOME/cwd; removed when the run ends. */
  home: string;
  rssLimitBytes: number;
  startSeq: number;
  /** Tells the runbook to stop (ctx.signal / SIGTERM); SIGKILL follows after the grace period. */
  requestStop(): void;
  /** Runs after the process exited and its pipes closed, before the exit is classified. */
  afterExit?(): void;
  classifyExit(code: number | null, signal: NodeJS.Signals | null, stderrTail: string): RunEnding;
}

/**
 * Supervises one job process: limits, stop with grace, exit, and capture of stdout/stderr lines as Output/Error
 * records. The first ending wins; the whole process group is killed at the end, so forks never outlive the job.
 */
export class RunSession {
  readonly sink: RecordSink;
  private ending: RunEnding | undefined;
  private stopping = false;
  private outputBytes = 0;
  private stderrTail = '';
  private readonly timers: NodeJS.Timeout[] = [];
  private resolveEnded!: () => void;
  private readonly ended = new Promise<void>((resolve) => (this.resolveEnded = resolve));

  constructor(private readonly cfg: SessionConfig) {
    this.sink = new RecordSink(cfg.hooks, cfg.startSeq, () => this.finish({ kind: 'stopped' }));
  }

  get isOver(): boolean {
    return this.ending !== undefined;
  }

  finish(ending: RunEnding): void {
    if (this.ending) return;
    this.ending = this.stopping ? { kind: 'stopped' } : ending;
    signalGroup(this.cfg.child.pid);
    this.resolveEnded();
  }

  fail(type: FailureReason['type'], message: string, source: FailureReason['source'] = 'system'): void {
    this.finish({ kind: 'failed', reason: { type, message, source } });
  }

  /** Counts produced output; false once the limit is exceeded (the run is then failing). */
  countOutput(bytes: number): boolean {
    this.outputBytes += bytes;
    if (this.outputBytes <= this.cfg.limits.maxOutputBytes) return true;
    this.fail('OutputLimit', `Runbook exceeded its output limit of ${this.cfg.limits.maxOutputBytes} bytes`);
    return false;
  }

  async run(): Promise<RunOutcome> {
    const { child, limits, signal, shutdown } = this.cfg;
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(); // a warm host that died while idle
      child.once('exit', () => resolve());
      child.once('error', () => resolve()); // spawn failed: there may be no 'exit'
    });
    void exited.then(() => this.onExit(child.exitCode, child.signalCode, closed));
    child.once('error', (err) => this.fail('Crashed', `Could not run the runbook process: ${err.message}`));
    const out = this.capture(child.stdout, 'Output');
    const err = this.capture(child.stderr, 'Error');
    const onStop = (): void => this.onStop();
    const onShutdown = (): void => this.fail('WorkerShutdown', 'The worker shut down while the job was running');
    signal.addEventListener('abort', onStop);
    shutdown.addEventListener('abort', onShutdown);
    if (signal.aborted) onStop();
    if (shutdown.aborted) onShutdown();
    this.timers.push(setTimeout(() => this.fail('Timeout', `Runbook exceeded its time limit of ${limits.timeoutMs} ms`), Math.min(limits.timeoutMs, MAX_TIMER_MS)));
    this.timers.push(setInterval(() => this.checkMemory(), MEMORY_POLL_MS));

    await this.ended;
    this.timers.forEach(clearTimeout);
    signal.removeEventListener('abort', onStop);
    shutdown.removeEventListener('abort', onShutdown);
    try {
      await within(exited, 5000);
      await within(closed, 1000);
      out.end();
      err.end();
      await this.sink.drain();
      return { ...(this.ending as RunEnding), records: this.sink.delivered };
    } finally {
      child.stdout?.destroy();
      child.stderr?.destroy();
      await rm(this.cfg.home, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  private capture(stream: Readable | null, name: StreamName): LineSplitter {
    const splitter = new LineSplitter((line) => {
      if (name === 'Error') this.stderrTail = (this.stderrTail + line + '\n').slice(-STDERR_TAIL_CHARS);
      this.sink.push(name, line);
    });
    stream?.on('data', (chunk: Buffer) => {
      if (this.countOutput(chunk.length)) splitter.write(chunk);
    });
    return splitter;
  }

  private async onExit(code: number | null, sig: NodeJS.Signals | null, closed: Promise<void>): Promise<void> {
    if (this.ending) return;
    signalGroup(this.cfg.child.pid); // forks still holding the pipes would keep them open
    await within(closed, 1000);
    if (this.ending) return;
    this.cfg.afterExit?.();
    this.finish(this.cfg.classifyExit(code, sig, this.stderrTail));
  }

  private onStop(): void {
    if (this.ending || this.stopping) return;
    this.stopping = true;
    this.cfg.requestStop();
    this.timers.push(setTimeout(() => this.finish({ kind: 'stopped' }), this.cfg.stopGraceMs));
  }

  private checkMemory(): void {
    if (this.ending || !this.cfg.child.pid) return;
    if (treeRssBytes(this.cfg.child.pid) <= this.cfg.rssLimitBytes) return;
    this.fail('MemoryLimit', `Runbook exceeded its memory limit of ${this.cfg.limits.memoryMb} MiB`);
  }
}

function within(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
