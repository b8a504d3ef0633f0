import { ApiError } from '@jobledger/platform';

/** An integer query parameter from `min` to `max`; absent or empty gives `fallback`, anything else is a 400 naming it. */
export function parseIntParam(name: string, raw: string | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    const message = `${name} must be an integer from ${min} to ${max}`;
    throw new ApiError('VALIDATION_FAILED', message, [{ field: name, rule: 'range', message }]);
  }
  return value;
}
