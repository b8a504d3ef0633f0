import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import { closedLoop } from './closed-loop';
import { percentiles, perSecond } from './stats';
import type { Percentiles } from './stats';

export interface BullmqResult {
  jobs: number;
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

/** The same workload on BullMQ: C clients add N jobs, one worker with the given concurrency runs a no-op processor. */
export async function benchBullmq(redis: RedisAddress, jobs: number, clients: number, concurrency: number): Promise<BullmqResult> {
  const connection = { ...redis, maxRetriesPerRequest: null, connectTimeout: 3_000 };
  const name = `jobledger-bench-${randomBytes(4).toString('hex')}`;
  const queue = new Queue(name, { connection });
  let worker: Worker | undefined;
  try {
    const redisVersion = await reachRedis(queue, redis);
    const addToActive: number[] = [];
    const addToProcessed: number[] = [];
    let settle: (error?: Error) => void = () => undefined;
    const finished = new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve())));
    worker = new Worker(name, async () => undefined, { connection, concurrency });
    worker.on('completed', (job: Job) => {
      addToActive.push((job.processedOn ?? NaN) - job.timestamp);
      addToProcessed.push((job.finishedOn ?? NaN) - job.timestamp);
      if (addToProcessed.length === jobs) settle();
    });
    worker.on('failed', (job, error) => settle(new Error(`BullMQ job ${job?.id} failed: ${error.message}`)));
    worker.on('error', (error) => settle(new Error(`BullMQ worker: ${error.message}`)));
    await worker.waitUntilReady();
    const t0 = performance.now();
    await closedLoop(jobs, clients, () => queue.add('noop', {}).then(() => undefined));
    await finished;
    const wallMs = performance.now() - t0;
    const processed = percentiles(addToProcessed);
    return {
      jobs,
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
