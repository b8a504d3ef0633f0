import { v } from '@jobledger/platform';
import { NAME_PATTERN, NAME_RULE } from '../runbooks/publish-runbook.request';

export const JOB_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** POST /v1/jobs */
export const submitJobRequest = {
  id: v.optional(v.string({ min: 1, max: 64, pattern: JOB_ID_PATTERN, patternText: '1–64 of A-Z, a-z, 0-9, ".", "_", "-"' })),
  name: v.optional(v.string({ min: 1, max: 256 })),
  runbook: v.string({ min: 1, max: 128, pattern: NAME_PATTERN, patternText: NAME_RULE }),
  version: v.optional(v.int({ min: 1 })),
  parameters: v.optional(v.object()),
  runOn: v.optional(v.string({ min: 1, max: 128, pattern: NAME_PATTERN, patternText: NAME_RULE })),
  priority: v.optional(v.int({ min: -1000, max: 1000 })),
  tags: v.optional(v.array(v.string({ min: 1, max: 64 }), { max: 32 })),
  errorAction: v.optional(v.oneOf(['continue', 'stop'] as const)),
};
