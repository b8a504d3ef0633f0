import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import { closedLoop } from './closed-loop';
import { percentiles, perSecond } from './stats';
import type { Percentiles } from './stats';

export interface BullmqResult {
  jobs: number;
  /** Jobs the worker processed before the measurement, not counted. */
  warmupJobs: number;
  clients: number;
  concurrency: number;
  jobsPerSec: number;
  wallMs: number;
  p50AddToProcessedMs: number;
  p99AddToProcessedMs: number;
  /** add → the worker took it (BullMQ's processedOn): the counterpart of submit→Running. */
  addToActiveMs: Percentiles;
  /** add → the no-op processor finished (finishedOn). */
  addToProcessedMs: Percentiles;
  redisVersion: string;
}

export interface RedisAddress {
  host: string;
  port: number;
}

/**
 * The same workload on BullMQ: C clients add N jobs, one worker with the given concurrency runs a
 * no-op processor; as many warm-up jobs as Jobledger's go through first, not measured.
 */
export async function benchBullmq(redis: RedisAddress, load: { jobs: number; warmup: number }, clients: number, concurrency: number): Promise<BullmqResult> {
  const { jobs, warmup } = load;
  const connection = { ...redis, maxRetriesPerRequest: null, connectTimeout: 3_000 };
  const name = `jobledger-bench-${randomBytes(4).toString('hex')}`;
  const queue = new Queue(name, { connection });
  let worker: Worker | undefined;
  try {
    const redisVersion = await reachRedis(queue, redis);
    let addToActive: number[] = [];
    let addToProcessed: number[] = [];
    let expected = 0;
    let settle: (error?: Error) => void = () => undefined;
    let failure: Error | undefined;
    worker = new Worker(name, async () => undefined, { connection, concurrency });
    worker.on('completed', (job: Job) => {
      addToActive.push((job.processedOn ?? NaN) - job.timestamp);
      addToProcessed.push((job.finishedOn ?? NaN) - job.timestamp);
      if (addToProcessed.length === expected) settle();
    });
    const fail = (error: Error) => settle((failure ??= error));
    worker.on('failed', (job, error) => fail(new Error(`BullMQ job ${job?.id} failed: ${error.message}`)));
    worker.on('error', (error) => fail(new Error(`BullMQ worker: ${error.message}`)));
    await worker.waitUntilReady();
    /** Adds `count` jobs from the clients and resolves when the worker has completed all of them. */
    const run = async (count: number): Promise<void> => {
      addToActive = [];
      addToProcessed = [];
      expected = count;
      const finished = new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve())));
      if (failure) settle(failure);
      await closedLoop(count, clients, () => queue.add('noop', {}).then(() => undefined));
      await finished;
    };
    if (warmup > 0) await run(warmup);
    const t0 = performance.now();
    await run(jobs);
    const wallMs = performance.now() - t0;
    const processed = percentiles(addToProcessed);
    return {
      jobs,
      warmupJobs: warmup,
      clients,
      concurrency,
      jobsPerSec: perSecond(jobs, wallMs),
      wallMs: Math.round(wallMs),
      p50AddToProcessedMs: processed.p50,
      p99AddToProcessedMs: processed.p99,
      addToActiveMs: percentiles(addToActive),
      addToProcessedMs: processed,
      redisVersion,
    };
  } finally {
    // Cleaning up must not hide why a run failed.
    await worker?.close().catch(() => undefined);
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close().catch(() => undefined);
  }
}

async function reachRedis(queue: Queue, redis: RedisAddress): Promise<string> {
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`Redis at ${redis.host}:${redis.port} did not answer within 5 s; start it (redis-server --port ${redis.port}) or set BENCH_REDIS_URL`)), 5_000).unref(),
  );
  await Promise.race([queue.waitUntilReady(), timeout]);
  return queue.backend.connection.redisVersion;
}
