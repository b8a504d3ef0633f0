export interface FreeWorker {
  workerId: string;
  group: string;
  free: number;
}

/**
 * The live worker with the most free slots; pinned jobs (runOn) only in their group.
 * Pure: the dispatcher passes what it read and decrements the slot it took.
 */
export function pickWorker(workers: FreeWorker[], runOn: string | null): FreeWorker | undefined {
  let best: FreeWorker | undefined;
  for (const worker of workers) {
    if (worker.free <= 0 || (runOn !== null && worker.group !== runOn)) continue;
    if (!best || worker.free > best.free) best = worker;
  }
  return best;
}

export function waitReason(runOn: string | null): string {
  return runOn === null ? 'waiting for a free slot on a live worker' : `waiting for a free slot on a live worker of group "${runOn}"`;
}
