import { v } from '@jobledger/platform';

export const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9._-]{0,127}$/;
export const NAME_RULE = 'a letter, then up to 127 letters, digits, ".", "_" or "-"';
export const MAX_SOURCE_CHARS = 512 * 1024;

/** POST /v1/runbooks */
export const publishRunbookRequest = {
  name: v.string({ min: 1, max: 128, pattern: NAME_PATTERN, patternText: NAME_RULE }),
  runtime: v.oneOf(['node', 'shell'] as const),
  source: v.string({ min: 1, max: MAX_SOURCE_CHARS }),
  runOn: v.optional(v.string({ min: 1, max: 128, pattern: NAME_PATTERN, patternText: NAME_RULE })),
  description: v.optional(v.string({ max: 2048 })),
};
