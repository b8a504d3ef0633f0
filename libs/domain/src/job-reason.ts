/**
 * Why a job waits, failed or was suspended (SPEC §1 `reason`).
 * `source` says who decided it: the runbook itself, the platform, the scheduler or a user.
 */
export interface JobReason {
  message: string;
  type: string;
  source: 'runbook' | 'system' | 'scheduler' | 'user';
}

/**
 * Why a job waits from its submission on: for a free slot on a live worker (of its pinned
 * group). Every submitted job starts Queued with this reason, so the scheduler records a
 * `JobQueued` only when a job waits for another one (no live worker, the account's quota).
 */
export function waitingForSlot(runOn: string | null): JobReason {
  const message = runOn === null ? 'waiting for a free slot on a live worker' : `waiting for a free slot on a live worker of group "${runOn}"`;
  return { message, type: 'NoFreeWorker', source: 'scheduler' };
}
