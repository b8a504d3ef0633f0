/** Latency figures of one measurement, in milliseconds. */
export interface Percentiles {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/**
 * The nearest-rank percentile (the smallest value with at least p% of the values at or below it)
 * of values sorted ascending. Nearest rank never invents a value that was not measured.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('no values to take a percentile of');
  if (!(p > 0 && p <= 100)) throw new Error(`percentile must be in (0, 100], got ${p}`);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1];
}

export function percentiles(values: readonly number[]): Percentiles {
  if (values.length === 0) throw new Error('no values to summarize');
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((total, v) => total + v, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
    mean: round(sum / sorted.length),
  };
}

/** Items per second over a span of milliseconds, rounded to one decimal. */
export function perSecond(items: number, ms: number): number {
  if (ms <= 0) throw new Error(`a rate needs a positive duration, got ${ms} ms`);
  return round((items * 1000) / ms);
}

export function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
