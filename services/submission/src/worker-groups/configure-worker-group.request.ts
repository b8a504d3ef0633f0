import { v } from '@jobledger/platform';

/** PUT /v1/worker-groups/{name}: every field optional; omitted ones keep their value (or the default). */
export const configureWorkerGroupRequest = {
  fairShareSeconds: v.optional(v.int({ min: 0, max: 30 * 24 * 3600 })),
  ratePerCpuSecond: v.optional(v.number({ min: 0, max: 1_000_000 })),
  cancelWhileRunning: v.optional(v.boolean()),
};
