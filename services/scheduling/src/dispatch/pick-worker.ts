import { waitingForSlot } from '@jobledger/domain';
import type { JobReason } from '@jobledger/domain';

export interface FreeWorker {
  workerId: string;
  group: string;
  free: number;
}

export type Placement =
  | { kind: 'assign'; worker: FreeWorker }
  | { kind: 'wait'; reason: JobReason }
  | { kind: 'fail'; reason: JobReason };

/**
 * Where a waiting job goes. Pure: the dispatcher passes the live workers it read (and takes a
 * slot from the one returned). A job pinned to a group without any live worker fails, but only
 * once the scheduler has been up long enough to have heard every live worker's heartbeat;
 * until then, and for an unpinned job when no worker is live, it waits saying so.
 */
export function placeJob(workers: FreeWorker[], runOn: string | null, mayFailPinned: boolean): Placement {
  const worker = pickWorker(workers, runOn);
  if (worker) return { kind: 'assign', worker };
  const live = workers.some((w) => runOn === null || w.group === runOn);
  if (!live && runOn !== null && mayFailPinned) {
    return {
      kind: 'fail',
      reason: {
        message: `worker group "${runOn}" has no live worker; start a worker with WORKER_GROUP=${runOn}, or submit the job without runOn`,
        type: 'NoLiveWorker',
        source: 'scheduler',
      },
    };
  }
  if (!live) {
    const message = runOn === null ? 'waiting: no live worker; start an execution worker' : `waiting: worker group "${runOn}" has no live worker yet; start a worker with WORKER_GROUP=${runOn}`;
    return { kind: 'wait', reason: { message, type: 'NoLiveWorker', source: 'scheduler' } };
  }
  return { kind: 'wait', reason: waitingForSlot(runOn) };
}

/** The live worker with the most free slots; pinned jobs (runOn) only in their group. */
export function pickWorker(workers: FreeWorker[], runOn: string | null): FreeWorker | undefined {
  let best: FreeWorker | undefined;
  for (const worker of workers) {
    if (worker.free <= 0 || (runOn !== null && worker.group !== runOn)) continue;
    if (!best || worker.free > best.free) best = worker;
  }
  return best;
}
