export interface WorkerHeartbeatData {
  workerId: string;
  group: string;
  slots: number;
  /** Jobs this worker is running right now. */
  running: string[];
  startedAt: string;
  at: string;
}

export type WorkerEvent =
  | { type: 'WorkerHeartbeat'; data: WorkerHeartbeatData }
  | { type: 'WorkerStopped'; data: { workerId: string; group: string; at: string } };
