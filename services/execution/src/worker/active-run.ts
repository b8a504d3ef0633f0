import type { AnyEnvelope } from '@jobledger/events';
import type { PendingStart } from './pending-start';

/** Why a run was told to end early, from the job's events. */
/** `released`: suspended or unloaded at the single writer's word; the process just ends, nothing to report. */
export type Interruption = 'stop-requested' | 'released' | 'ended';

interface PendingCheckpoint {
  resolve(): void;
  reject(error: Error): void;
}

/**
 * The worker's side of one job it runs: the abort signal of the runbook process, and what the
 * job's single writer has decided meanwhile (seen on job-events). Stop and suspend reach the
 * runbook only this way, and a checkpoint counts as persisted once its JobCheckpointed is seen.
 */
export class ActiveRun {
  readonly abort = new AbortController();
  interruption: Interruption | null = null;
  hasCheckpoint: boolean;
  /** The start, once the runbook runs: reported after a delay, or with the end (pending-start.ts). */
  start: PendingStart | null = null;
  private readonly pending = new Map<string, PendingCheckpoint>();

  constructor(
    readonly accountId: string,
    readonly jobId: string,
    hadCheckpoint: boolean,
  ) {
    this.hasCheckpoint = hadCheckpoint;
  }

  /**
   * Reports a checkpoint and resolves once its JobCheckpointed is on the log; rejects if the job
   * ends first or nothing is seen within the timeout. The wait starts before the report (the event
   * may come back before the send returns) and can end while the report is still on its way — a
   * stop seen meanwhile — so its outcome is taken at once, never left as a rejection no one awaits
   * (which would end the worker process and every run in it).
   */
  async checkpoint(checkpointId: string, timeoutMs: number, report: () => Promise<void>): Promise<void> {
    const outcome = this.awaitCheckpoint(checkpointId, timeoutMs).then(
      () => null,
      (error: Error) => error,
    );
    await report();
    const error = await outcome;
    if (error) throw error;
  }

  private awaitCheckpoint(checkpointId: string, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(checkpointId);
        reject(new Error(`checkpoint ${checkpointId} was not confirmed within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(checkpointId, {
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
    });
  }

  /** Applies one of the job's events; returns true when the runbook process must end now. */
  observe(event: AnyEnvelope): boolean {
    switch (event.type) {
      case 'JobCheckpointed': {
        const id = (event.data as { checkpointId: string }).checkpointId;
        this.hasCheckpoint = true;
        this.pending.get(id)?.resolve();
        this.pending.delete(id);
        return false;
      }
      case 'JobStopRequested':
        return this.interrupt('stop-requested');
      case 'JobSuspended':
      case 'JobUnloaded':
      case 'JobWorkerLost':
        return this.interrupt('released');
      case 'JobStopped':
      case 'JobCompleted':
      case 'JobFailed':
      case 'JobFailedWaitingForResources':
        return this.interrupt(this.interruption ?? 'ended');
      default:
        return false;
    }
  }

  /** Ends the process without reporting: the job is, or will be, taken over elsewhere. */
  release(): boolean {
    return this.interrupt('released');
  }

  private interrupt(why: Interruption): boolean {
    if (this.interruption === null || why === 'released') this.interruption = why;
    for (const [id, waiter] of this.pending) waiter.reject(new Error(`the job ended before checkpoint ${id} was persisted`));
    this.pending.clear();
    if (this.abort.signal.aborted) return false;
    this.abort.abort();
    return true;
  }
}
