export interface RetryLog {
  (message: string, fields: Record<string, unknown>): void;
}

/** An error no retry can fix: `retryUntilDone` throws it at once. */
export function isUnrecoverable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { unrecoverable?: unknown }).unrecoverable === true;
}

/**
 * Runs `attempt` until it succeeds or `signal` aborts (or it throws an unrecoverable error), with capped exponential backoff,
 * logging each failure. Used for connecting to Kafka and Postgres at start-up, so a service
 * that comes up before its dependencies waits for them instead of crashing.
 */
export async function retryUntilDone<T>(
  what: string,
  attempt: () => Promise<T>,
  log: RetryLog,
  signal?: AbortSignal,
  maxDelayMs = 5_000,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (signal?.aborted || isUnrecoverable(error)) throw error;
      const delay = Math.min(maxDelayMs, 200 * 2 ** Math.min(n, 8));
      log(`${what} failed; retrying`, { attempt: n, retryInMs: delay, error: (error as Error).message });
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
