import type { RunHooks, RunnerRecord, StreamName } from './runner.types';

const MAX_BATCH = 500;

/**
 * Numbers a run's records and hands them to the hooks in seq order, one awaited call at a time: records that
 * arrive while a call is in flight form the next batch. A checkpoint first delivers every record produced
 * before it, so a resumed run never misses output that preceded its checkpoint.
 */
export class RecordSink {
  private pending: RunnerRecord[] = [];
  private tail: Promise<void> = Promise.resolve();
  private flushQueued = false;
  private nextSeq: number;
  private failure: { error: unknown } | undefined;
  private deliveredCount = 0;

  constructor(
    private readonly hooks: RunHooks,
    startSeq: number,
    private readonly onHookFailure: (error: unknown) => void,
  ) {
    this.nextSeq = startSeq;
  }

  get delivered(): number {
    return this.deliveredCount;
  }

  push(stream: StreamName, value: unknown, time = new Date().toISOString()): void {
    if (this.failure) return;
    this.pending.push({ seq: this.nextSeq++, stream, time, value });
    if (this.flushQueued) return;
    this.flushQueued = true;
    void this.enqueue(() => {
      this.flushQueued = false;
      return this.deliver(Number.POSITIVE_INFINITY);
    }).catch(() => undefined);
  }

  /** Resolves once `onCheckpoint` resolved; rejects (and fails the sink) when a hook rejected. */
  checkpoint(state: unknown): Promise<void> {
    const before = this.nextSeq;
    return this.enqueue(async () => {
      await this.deliver(before);
      await this.hooks.onCheckpoint(state);
    });
  }

  /** Waits until everything pushed so far was delivered; rethrows a hook's error. */
  async drain(): Promise<void> {
    let tail: Promise<void>;
    do {
      tail = this.tail;
      await tail;
    } while (tail !== this.tail);
    if (this.failure) throw this.failure.error;
  }

  private async deliver(beforeSeq: number): Promise<void> {
    while (this.pending.length > 0 && this.pending[0].seq < beforeSeq) {
      let count = 0;
      while (count < this.pending.length && count < MAX_BATCH && this.pending[count].seq < beforeSeq) count++;
      const batch = this.pending.splice(0, count);
      await this.hooks.onRecords(batch);
      this.deliveredCount += batch.length;
    }
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const run = this.tail.then(() => (this.failure ? Promise.reject(this.failure.error) : step()));
    this.tail = run.catch((error: unknown) => {
      if (this.failure) return;
      this.failure = { error };
      this.onHookFailure(error);
    });
    return run;
  }
}
