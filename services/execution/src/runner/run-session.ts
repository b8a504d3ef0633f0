import type { ChildProcess } from 'node:child_process';
import { rm, rmdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { LineSplitter } from './line-splitter';
import { signalGroup, treeRssBytes } from './process-group';
import type { LoneGroup } from './process-group';
import { RecordSink } from './record-sink';
import type { FailureReason, RunAs, RunEnding, RunHooks, RunLimits, RunOutcome, StreamName } from './runner.types';

const MEMORY_POLL_MS = 250;
const MAX_TIMER_MS = 2 ** 31 - 1;
const STDERR_TAIL_CHARS = 4096;
/** How long a kept process may take to deliver its end marks on stdout and stderr after its result. */
const END_MARK_WAIT_MS = 2000;

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
  /** Files the runner itself puts in the home, removed by name (the rest of the home is looked for only when it is not then empty). */
  homeFiles?: string[];
  rssLimitBytes: number;
  startSeq: number;
  /** Tells the runbook to stop (ctx.signal / SIGTERM); SIGKILL follows after the grace period. */
  requestStop(): void;
  /** Runs after the process exited and its pipes closed, before the exit is classified. */
  afterExit?(): void;
  classifyExit(code: number | null, signal: NodeJS.Signals | null, stderrTail: string): RunEnding;
  /**
   * The line the process writes on stdout and on stderr after its result when it may be kept for another
   * job (node hosts): it says that everything the job wrote there has arrived. Text before it on its line is
   * the job's last unterminated line.
   */
  endMark?: string;
  /** With `endMark`: tells whether the job left a process in the group (a kept process must have none; without it none is kept). */
  group?: LoneGroup;
}

/**
 * Supervises one job process: limits, stop with grace, exit, and capture of stdout/stderr lines as Output/Error
 * records. The first ending wins; the whole process group is killed at the end, so forks never outlive the job —
 * unless the process ended the job itself and asked to be kept (`finish(ending, true)`), and then only when
 * both its end marks arrive and no other process is left in its group.
 */
export class RunSession {
  readonly sink: RecordSink;
  private ending: RunEnding | undefined;
  private keepAsked = false;
  private kept = false;
  private stopping = false;
  private outputBytes = 0;
  private stderrTail = '';
  private readonly timers: NodeJS.Timeout[] = [];
  private resolveEnded!: () => void;
  private readonly ended = new Promise<void>((resolve) => (this.resolveEnded = resolve));
  private readonly detach: (() => void)[] = [];
  private readonly marksSeen = new Set<StreamName>();
  private resolveMarks: (() => void) | undefined;

  constructor(private readonly cfg: SessionConfig) {
    this.sink = new RecordSink(cfg.hooks, cfg.startSeq, () => this.finish({ kind: 'stopped' }));
  }

  get isOver(): boolean {
    return this.ending !== undefined;
  }

  /** True once `run()` resolved with the process alive and free for another job (it was not killed). */
  get keptProcess(): boolean {
    return this.kept;
  }

  /** `keep`: the process ended the job itself and says it is free for another; a stopping run is never kept. */
  finish(ending: RunEnding, keep = false): void {
    if (this.ending) return;
    this.ending = this.stopping ? { kind: 'stopped' } : ending;
    this.keepAsked = keep && !this.stopping && this.cfg.endMark !== undefined;
    if (!this.keepAsked) signalGroup(this.cfg.child.pid);
    this.resolveEnded();
  }

  fail(type: FailureReason['type'], message: string, source: FailureReason['source'] = 'system', keep = false): void {
    this.finish({ kind: 'failed', reason: { type, message, source } }, keep);
  }

  /** Counts produced output; false once the limit is exceeded (the run is then failing). */
  countOutput(bytes: number): boolean {
    this.outputBytes += bytes;
    if (this.outputBytes <= this.cfg.limits.maxOutputBytes) return true;
    this.fail('OutputLimit', `Runbook exceeded its output limit of ${this.cfg.limits.maxOutputBytes} bytes`);
    return false;
  }

  /** Listens for as long as this session supervises the process (a kept process outlives it). */
  listen<Args extends unknown[]>(emitter: NodeJS.EventEmitter | null, event: string, listener: (...args: Args) => void): void {
    if (!emitter) return;
    const untyped = listener as (...args: unknown[]) => void;
    emitter.on(event, untyped);
    this.detach.push(() => emitter.off(event, untyped));
  }

  async run(): Promise<RunOutcome> {
    const { child, limits, signal, shutdown } = this.cfg;
    const closed = new Promise<void>((resolve) => this.listen(child, 'close', () => resolve()));
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(); // a warm host that died while idle
      this.listen(child, 'exit', () => resolve());
      this.listen(child, 'error', () => resolve()); // spawn failed: there may be no 'exit'
    });
    void exited.then(() => this.onExit(child.exitCode, child.signalCode, closed));
    this.listen(child, 'error', (err: Error) => this.fail('Crashed', `Could not run the runbook process: ${err.message}`));
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
    this.kept = this.keepAsked && (await this.settledForReuse());
    if (!this.kept && this.keepAsked) signalGroup(child.pid);
    try {
      if (!this.kept) {
        await within(exited, 5000);
        await within(closed, 1000);
        out.end();
        err.end();
      }
      await this.sink.drain();
      return { ...(this.ending as RunEnding), records: this.sink.delivered };
    } finally {
      this.detach.splice(0).forEach((off) => off());
      if (!this.kept) {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }
      await removeHome(this.cfg.home, this.cfg.homeFiles ?? []);
    }
  }

  /** Both end marks arrived (all the job wrote is in) and the job left no other process in the group. */
  private async settledForReuse(): Promise<boolean> {
    if (this.marksSeen.size < 2) {
      const marks = new Promise<void>((resolve) => (this.resolveMarks = resolve));
      await within(marks, END_MARK_WAIT_MS);
    }
    const { pid, exitCode, signalCode } = this.cfg.child;
    return this.marksSeen.size === 2 && exitCode === null && signalCode === null && pid !== undefined && this.cfg.group !== undefined && !this.cfg.group.hasOthers(pid);
  }

  private capture(stream: Readable | null, name: StreamName): LineSplitter {
    const { endMark } = this.cfg;
    const splitter = new LineSplitter((line) => {
      if (endMark !== undefined && line.endsWith(endMark)) return this.markSeen(name, line.slice(0, -endMark.length));
      if (this.marksSeen.has(name)) return; // after its end mark, a stream belongs to no job
      this.pushLine(name, line);
    });
    this.listen(stream, 'data', (chunk: Buffer) => {
      if (this.countOutput(chunk.length)) splitter.write(chunk);
    });
    return splitter;
  }

  private pushLine(name: StreamName, line: string): void {
    if (name === 'Error') this.stderrTail = (this.stderrTail + line + '\n').slice(-STDERR_TAIL_CHARS);
    this.sink.push(name, line);
  }

  private markSeen(name: StreamName, unterminated: string): void {
    if (unterminated.length > 0 && !this.marksSeen.has(name)) this.pushLine(name, unterminated);
    this.marksSeen.add(name);
    if (this.marksSeen.size === 2) this.resolveMarks?.();
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

/** Most jobs leave nothing in their home but what the runner put there: unlink that, then one rmdir; a recursive removal only for the rest. */
async function removeHome(home: string, files: string[]): Promise<void> {
  try {
    await Promise.all(files.map((file) => unlink(join(home, file)).catch(() => undefined)));
    await rmdir(home);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    await rm(home, { recursive: true, force: true }).catch(() => undefined);
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
