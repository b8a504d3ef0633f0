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

  /** A started host (it may have died meanwhile; the session then reports the crash). */
  async take(memoryMb: number): Promise<{ host: NodeHost; warm: boolean }> {
    if (memoryMb !== this.memoryMb) {
      this.memoryMb = memoryMb;
      this.idle.splice(0).forEach(discardHost);
    }
    for (let host = this.idle.shift(); host; host = this.idle.shift()) {
      this.refillSoon();
      if (await host.ready) return { host: this.use(host), warm: true };
      discardHost(host);
    }
    const host = spawnNodeHost(memoryMb, this.runAs);
    this.refillSoon();
    await host.ready;
    return { host: this.use(host), warm: false };
  }

  close(): void {
    this.closed = true;
    this.idle.splice(0).forEach(discardHost);
  }

  private use(host: NodeHost): NodeHost {
    setIdle(host, false);
    return host;
  }

  /** Forking blocks the worker for a few ms; do it after the taken host got its job. */
  private refillSoon(): void {
    setImmediate(() => this.refill());
  }

  private refill(): void {
    while (!this.closed && this.idle.length < this.size) {
      const host = spawnNodeHost(this.memoryMb, this.runAs);
      setIdle(host, true);
      host.child.once('exit', () => {
        const index = this.idle.indexOf(host);
        if (index >= 0) discardHost(this.idle.splice(index, 1)[0]);
      });
      this.idle.push(host);
    }
  }
}
