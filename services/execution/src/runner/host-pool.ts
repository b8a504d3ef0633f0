import { discardHost, setIdle, spawnNodeHost, type NodeHost } from './node-host';
import type { RunAs } from './runner.types';

/**
 * Pre-forked idle node hosts, so a job does not wait for a process start. Each host serves one job and is
 * then killed (no state leaks between jobs); taking one forks a replacement in the background. A host's heap
 * limit is fixed when it is forked, so the pool follows the memory limit of the latest job.
 */
export class HostPool {
  private idle: NodeHost[] = [];
  private closed = false;

  constructor(
    private readonly size: number,
    private memoryMb: number,
    private readonly runAs?: RunAs,
  ) {
    this.refill();
  }

  /** A started host, or undefined when none could start. It may still die before its job; the session reports that. */
  async take(memoryMb: number): Promise<NodeHost | undefined> {
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

  close(): void {
    this.closed = true;
    this.idle.splice(0).forEach(discardHost);
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
