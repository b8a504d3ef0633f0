import { discardHost, setIdle, spawnNodeHost, type NodeHost } from './node-host';
import type { RunAs } from './runner.types';

export interface HostReuse {
  /** Jobs one host may run before it is replaced (1: a host per job). */
  maxJobsPerHost: number;
  /** Hosts kept alive between jobs, waiting for another job of their key; the least recently used goes first. */
  maxKept: number;
  /** A kept host is killed after waiting this long. */
  keptIdleMs: number;
}

interface Kept {
  host: NodeHost;
  key: string;
  onExit: () => void;
  timer: NodeJS.Timeout;
}

/**
 * Node runbook hosts for the worker's jobs. Fresh hosts are forked ahead (`size` of them), so a job does not
 * wait for a process start; taking one forks a replacement in the background. A host that ran a job and left
 * nothing running is kept for the next job of the same key — the same account, runbook version and memory
 * limit (like a function's warm execution environment), never another's — up to `maxJobsPerHost` jobs. A
 * fresh host's heap limit is fixed when it is forked, so the fresh ones follow the memory limit of the latest job.
 */
export class HostPool {
  private idle: NodeHost[] = [];
  /** Least recently kept first. */
  private kept: Kept[] = [];
  private closed = false;

  constructor(
    private readonly size: number,
    private memoryMb: number,
    private readonly runAs: RunAs | undefined,
    private readonly reuse: HostReuse,
  ) {
    this.refill();
  }

  /** A started host, or undefined when none could start. It may still die before its job; the session reports that. */
  async take(memoryMb: number, key: string): Promise<NodeHost | undefined> {
    const kept = this.takeKept(key);
    if (kept) return this.use(kept);
    if (memoryMb !== this.memoryMb) {
      this.memoryMb = memoryMb;
      this.idle.splice(0).forEach(discardHost);
    }
    for (let host = this.takeIdle(memoryMb); host; host = this.takeIdle(memoryMb)) {
      this.refillSoon();
      if (await host.ready) return this.use(host);
      discardHost(host);
    }
    const host = this.spawn(memoryMb);
    this.refillSoon();
    if (host && (await host.ready)) return this.use(host);
    if (host) discardHost(host);
    return undefined;
  }

  /** Gives back a host whose job ended and that may run another job of `key`; otherwise kills it. */
  release(host: NodeHost, key: string): void {
    const alive = host.child.exitCode === null && host.child.signalCode === null && host.child.connected;
    if (this.closed || !alive || host.jobs >= this.reuse.maxJobsPerHost || this.reuse.maxKept < 1) return discardHost(host);
    setIdle(host, true);
    const entry: Kept = {
      host,
      key,
      onExit: () => this.forget(entry),
      timer: setTimeout(() => this.forget(entry), this.reuse.keptIdleMs).unref(),
    };
    host.child.once('exit', entry.onExit);
    this.kept.push(entry);
    if (this.kept.length > this.reuse.maxKept) this.forget(this.kept[0]);
  }

  close(): void {
    this.closed = true;
    this.idle.splice(0).forEach(discardHost);
    [...this.kept].forEach((entry) => this.forget(entry));
  }

  /** The most recently kept host of the key: it is the warmest. */
  private takeKept(key: string): NodeHost | undefined {
    for (let i = this.kept.length - 1; i >= 0; i--) {
      const entry = this.kept[i];
      if (entry.key !== key) continue;
      this.unkeep(i);
      return entry.host;
    }
    return undefined;
  }

  private forget(entry: Kept): void {
    const index = this.kept.indexOf(entry);
    if (index < 0) return;
    this.unkeep(index);
    discardHost(entry.host);
  }

  private unkeep(index: number): void {
    const [entry] = this.kept.splice(index, 1);
    clearTimeout(entry.timer);
    entry.host.child.off('exit', entry.onExit);
  }

  private takeIdle(memoryMb: number): NodeHost | undefined {
    const index = this.idle.findIndex((host) => host.memoryMb === memoryMb);
    return index < 0 ? undefined : this.idle.splice(index, 1)[0];
  }

  private use(host: NodeHost): NodeHost {
    setIdle(host, false);
    return host;
  }

  /** Forking can fail (no memory, no pids, no temp space); that must fail a job, never the worker. */
  private spawn(memoryMb: number): NodeHost | undefined {
    try {
      return spawnNodeHost(memoryMb, this.runAs);
    } catch {
      return undefined;
    }
  }

  /** Forking blocks the worker for a few ms; do it after the taken host got its job. */
  private refillSoon(): void {
    setImmediate(() => this.refill());
  }

  private refill(): void {
    while (!this.closed && this.idle.length < this.size) {
      const host = this.spawn(this.memoryMb);
      if (!host) return; // the next take() tries again
      setIdle(host, true);
      host.child.once('exit', () => {
        const index = this.idle.indexOf(host);
        if (index >= 0) discardHost(this.idle.splice(index, 1)[0]);
      });
      this.idle.push(host);
    }
  }
}
