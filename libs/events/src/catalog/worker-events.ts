export interface WorkerHeartbeatData {
  workerId: string;
  group: string;
  slots: number;
  /** Jobs this worker is running right now. */
  running: string[];
  startedAt: string;
  at: string;
}

/** A worker group's settings (platform-wide); every field is the value in force after the change. */
export interface WorkerGroupConfiguredData {
  name: string;
  /** 0 exempts the group from fair share (like hybrid workers). */
  fairShareSeconds: number;
  ratePerCpuSecond: number;
  cancelWhileRunning: boolean;
  at: string;
}

/** A group's settings until it is configured: Azure Automation's three-hour fair share, no rate, cancellable. */
export const WORKER_GROUP_DEFAULTS = Object.freeze({ fairShareSeconds: 10_800, ratePerCpuSecond: 0, cancelWhileRunning: true });

export type WorkerEvent =
  | { type: 'WorkerHeartbeat'; data: WorkerHeartbeatData }
  | { type: 'WorkerStopped'; data: { workerId: string; group: string; at: string } }
  | { type: 'WorkerGroupConfigured'; data: WorkerGroupConfiguredData };
