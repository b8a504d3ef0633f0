/**
 * Why a job waits, failed or was suspended (SPEC §1 `reason`).
 * `source` says who decided it: the runbook itself, the platform, the scheduler or a user.
 */
export interface JobReason {
  message: string;
  type: string;
  source: 'runbook' | 'system' | 'scheduler' | 'user';
}
