import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { topicNames } from '@jobledger/events';
import { jobChangesChannel } from '@jobledger/read-model';
import type { EventBus } from '@jobledger/kafka';
import type { Stack } from '@jobledger/testing';
import { availableParallelism } from 'node:os';
import { closedLoop } from './closed-loop';
import { cpuPerJob, cpuSnapshot, kafkaBrokerPid } from './cpu-usage';
import type { CpuPerJob } from './cpu-usage';
import { JsonClient } from './http-client';
import { JobTimeline } from './job-timeline';
import { percentiles, perSecond, round } from './stats';
import type { Percentiles } from './stats';

/** A runbook that does nothing, per runtime: what a job costs the platform, not the work it does. */
export const NOOP_RUNBOOKS = { node: 'export default async () => {};', shell: 'true' } as const;
export type BenchRuntime = keyof typeof NOOP_RUNBOOKS;

export interface Workload {
  jobs: number;
  clients: number;
  runtime: BenchRuntime;
  /** Fixed-rate mode: jobs per second, open loop (arrivals do not wait for answers). */
  rate?: number;
  /** Jobs run through the stack first, closed loop, until Completed: not measured. */
  warmup: number;
}

export interface JobledgerResult {
  mode: 'closed-loop' | 'fixed-rate';
  jobs: number;
  /** Jobs that ran before the measurement through the same services, not counted in any figure. */
  warmupJobs: number;
  /** Tables of the stack analyzed after the warm-up (none without one): see analyzeTables. */
  analyzedTables: number;
  runtime: BenchRuntime;
  clients?: number;
  targetRatePerSec?: number;
  /** How much further away, each way, Postgres was put (--db-delay-ms); absent when it was not. */
  dbDelayMs?: number;
  /** Arrivals per second the load generator achieved. */
  submitRatePerSec: number;
  /** Jobs over the time from the first submission until every job was Completed in the query projection. */
  jobsPerSec: number;
  wallMs: number;
  p50SubmitToRunningMs: number;
  p99SubmitToRunningMs: number;
  p50SubmitToCompletedMs: number;
  p99SubmitToCompletedMs: number;
  submitToRunningMs: Percentiles;
  submitToCompletedMs: Percentiles;
  /** The client's view: POST /v1/jobs until its 201. */
  httpSubmitMs: Percentiles;
  /** The user's view: POST /v1/jobs sent until the job reads Completed in the query projection (polled every 20 ms). */
  submitToVisibleCompletedMs: Percentiles;
  /** Per-stage latency from the events' timestamps: where a job's time goes. */
  stagesMs: Record<'submittedToAssigned' | 'assignedToStarted' | 'startedToCompleted', Percentiles>;
  /** Fixed rate: how late arrivals left against their schedule (a saturated client shows here). */
  arrivalLagMs?: Percentiles;
  /** Messages the run put on Kafka, all topics, and by topic. */
  kafkaMessages: number;
  kafkaMessagesByTopic: Record<string, number>;
  /** Mean size of those messages' values, bytes. */
  kafkaMeanMessageBytes: number;
  /** CPU per job of each service, the Kafka broker and the rest of the machine over the run: where the cores went. */
  cpu: CpuPerJob;
  /**
   * Postgres transactions committed per job over the run (pg_stat_database, the bench's own watching
   * taken out): a count, not a time, so it compares runs on a noisy machine.
   */
  postgresCommitsPerJob: number;
}

/** Runs no-op jobs (node or shell) through the gateway and measures them from the log and the projection. */
export async function benchJobledger(stack: Stack, bus: EventBus, workload: Workload, progress: (line: string) => void): Promise<JobledgerResult> {
  const client = new JsonClient(stack.baseUrl, stack.adminKey, workload.rate ? 1024 : workload.clients);
  try {
    const published = await client.post('/v1/runbooks', { name: 'noop', runtime: workload.runtime, source: NOOP_RUNBOOKS[workload.runtime] });
    if (published.status !== 201) throw new Error(`publishing the no-op runbook answered ${published.status}: ${published.body}`);
    const warmedUp = new Set<string>();
    let analyzedTables = 0;
    if (workload.warmup > 0) {
      progress(`warming up: ${workload.warmup} jobs, not measured`);
      const warmup = submitClosedLoop(client, workload.warmup, workload.clients);
      await waitUntilCompleted(stack, workload.warmup, progress, warmup, new Set());
      for (const id of (await warmup).ids) warmedUp.add(id);
      analyzedTables = await analyzeTables(stack);
    }
    const broker = kafkaBrokerPid();
    const processes = { ...stack.pids, ...(broker ? { 'kafka broker': broker } : {}), bench: process.pid };
    const measured = { children: stack.workerIds, postgres: true };
    const cpuBefore = cpuSnapshot(processes, measured);
    const commitsBefore = await postgresCommits(stack);
    const startedAt = Date.now();
    const t0 = performance.now();
    const submitting = workload.rate ? submitOpenLoop(client, workload.jobs, workload.rate) : submitClosedLoop(client, workload.jobs, workload.clients);
    // Watched from the first submission, so each job's Completed is seen when it becomes readable.
    // At a fixed rate the system must keep up: a backlog still there a minute after the last arrival means the rate is above its capacity.
    const watching = waitUntilCompleted(stack, workload.jobs, progress, submitting, warmedUp, workload.rate ? { drainMs: 60_000, rate: workload.rate } : undefined);
    const [submissions, watched] = await Promise.all([
      submitting.then((done) => {
        progress(`submitted ${workload.jobs} jobs in ${Math.round(done.lastSentAt - t0)} ms; waiting for Completed in the query projection`);
        return done;
      }),
      watching,
    ]);
    const wallMs = performance.now() - t0;
    const cpu = cpuPerJob(cpuBefore, cpuSnapshot(processes, measured), workload.jobs, availableParallelism());
    // Backends report their counts within a second of going idle.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const commits = (await postgresCommits(stack)) - commitsBefore - watched.statements - 1;
    const { completedAt } = watched;
    const { timeline, byTopic, bytes } = await readLog(bus, stack.topicPrefix, startedAt);
    const ids = submissions.ids;
    const submitToRunningMs = timeline.between(ids, 'submitted', 'started');
    const submitToCompletedMs = timeline.between(ids, 'submitted', 'completed');
    const kafkaMessages = Object.values(byTopic).reduce((a, b) => a + b, 0);
    return {
      mode: workload.rate ? 'fixed-rate' : 'closed-loop',
      jobs: workload.jobs,
      warmupJobs: workload.warmup,
      analyzedTables,
      runtime: workload.runtime,
      ...(workload.rate ? { targetRatePerSec: workload.rate } : { clients: workload.clients }),
      submitRatePerSec: perSecond(workload.jobs, Math.max(1, submissions.lastSentAt - submissions.firstSentAt)),
      jobsPerSec: perSecond(workload.jobs, wallMs),
      wallMs: Math.round(wallMs),
      p50SubmitToRunningMs: submitToRunningMs.p50,
      p99SubmitToRunningMs: submitToRunningMs.p99,
      p50SubmitToCompletedMs: submitToCompletedMs.p50,
      p99SubmitToCompletedMs: submitToCompletedMs.p99,
      submitToRunningMs,
      submitToCompletedMs,
      httpSubmitMs: percentiles(submissions.httpMs),
      submitToVisibleCompletedMs: percentiles(ids.map((id) => round((completedAt.get(id) as number) - (submissions.sentAt.get(id) as number)))),
      stagesMs: {
        submittedToAssigned: timeline.between(ids, 'submitted', 'assigned'),
        assignedToStarted: timeline.between(ids, 'assigned', 'started'),
        startedToCompleted: timeline.between(ids, 'started', 'completed'),
      },
      ...(submissions.lagMs.length > 0 ? { arrivalLagMs: percentiles(submissions.lagMs) } : {}),
      kafkaMessages,
      kafkaMessagesByTopic: byTopic,
      kafkaMeanMessageBytes: kafkaMessages === 0 ? 0 : round(bytes / kafkaMessages),
      cpu,
      postgresCommitsPerJob: round(commits / workload.jobs),
    };
  } finally {
    client.close();
  }
}

interface Submissions {
  ids: string[];
  /** performance.now() when each job's POST was sent. */
  sentAt: Map<string, number>;
  httpMs: number[];
  lagMs: number[];
  firstSentAt: number;
  lastSentAt: number;
}

async function submit(client: JsonClient, into: Submissions): Promise<void> {
  const sent = performance.now();
  const answer = await client.post('/v1/jobs', { runbook: 'noop' });
  if (answer.status !== 201) throw new Error(`POST /v1/jobs answered ${answer.status}: ${answer.body}`);
  into.httpMs.push(round(performance.now() - sent));
  const { id } = JSON.parse(answer.body) as { id: string };
  into.ids.push(id);
  into.sentAt.set(id, sent);
}

/** C clients, each submitting its next job as soon as the last one was accepted. */
async function submitClosedLoop(client: JsonClient, jobs: number, clients: number): Promise<Submissions> {
  const into: Submissions = { ids: [], sentAt: new Map(), httpMs: [], lagMs: [], firstSentAt: performance.now(), lastSentAt: 0 };
  await closedLoop(jobs, clients, () => {
    into.lastSentAt = performance.now();
    return submit(client, into);
  });
  return into;
}

/** Job i is due at i/rate seconds, sent then whether or not earlier ones were answered. */
async function submitOpenLoop(client: JsonClient, jobs: number, rate: number): Promise<Submissions> {
  const into: Submissions = { ids: [], sentAt: new Map(), httpMs: [], lagMs: [], firstSentAt: performance.now(), lastSentAt: 0 };
  const inFlight = new Set<Promise<void>>();
  const failures: Error[] = [];
  const start = into.firstSentAt;
  for (let i = 0; i < jobs && failures.length === 0; ) {
    const now = performance.now();
    for (; i < jobs && start + (i * 1000) / rate <= now; i++) {
      into.lagMs.push(round(now - (start + (i * 1000) / rate)));
      into.lastSentAt = now;
      const request: Promise<void> = submit(client, into).then(
        () => void inFlight.delete(request),
        (error: Error) => void failures.push(error),
      );
      inFlight.add(request);
    }
    if (i < jobs) await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(5, start + (i * 1000) / rate - performance.now()))));
  }
  await Promise.all(inFlight);
  if (failures.length > 0) throw failures[0];
  return into;
}

/**
 * Watches the query projection until `jobs` jobs are Completed, not counting the jobs in `earlier`
 * (the warm-up's, all Completed before); any other ending, or no progress for a minute, fails the
 * run. Returns when each job was first seen Completed (performance.now()).
 *
 * It follows the projector's notifications (the channel the API's waits use) and reads only the jobs
 * they name, every 20 ms; a full count once a second catches anything a notification did not bring.
 * Scanning the whole table every 20 ms instead cost Postgres ~2.4 ms of CPU a poll once it held
 * 1,000 jobs — taken from the system under test and counted as its own.
 */
async function waitUntilCompleted(
  stack: Stack,
  jobs: number,
  progress: (line: string) => void,
  submitting: Promise<unknown>,
  earlier: ReadonlySet<string>,
  fixedRate?: { drainMs: number; rate: number },
): Promise<{ completedAt: Map<string, number>; statements: number }> {
  const completedAt = new Map<string, number>();
  /** Each of the watcher's statements is a transaction of its own, taken out of the run's count. */
  let statements = 0;
  const query = <R extends object>(sql: string, params?: unknown[]) => {
    statements++;
    return db.query<R>(sql, params);
  };
  const table = `"${stack.prefix}query".jobs`;
  const db = new Client({ connectionString: stack.env.DATABASE_URL, application_name: 'jobledger-bench-watch' });
  await db.connect();
  /** Notified jobs not read yet, as JSON [accountId, jobId] (the payload). */
  const changed = new Set<string>();
  db.on('notification', (n) => {
    if (n.payload) changed.add(n.payload);
  });
  await query(`LISTEN "${jobChangesChannel(`"${stack.prefix}query"`)}"`);
  let drainDeadline = Infinity;
  let submitted = false;
  let submitFailed = false;
  void submitting.then(
    () => {
      submitted = true;
      if (fixedRate) drainDeadline = Date.now() + fixedRate.drainMs;
    },
    () => (submitFailed = true), // that failure fails the run; the watch just ends
  );
  const see = (rows: { id: string; status: string }[]) => {
    const seenAt = round(performance.now());
    for (const { id, status } of rows) {
      if (earlier.has(id)) continue;
      if (status === 'Completed' && !completedAt.has(id)) completedAt.set(id, seenAt);
      if (['Failed', 'Stopped', 'Suspended', 'Removed'].includes(status)) throw new Error(`job ${id} ended ${status}, not Completed; see the services' logs`);
    }
  };
  try {
    let completed = -1;
    let progressedAt = Date.now();
    let reportedAt = Date.now();
    let countedAt = 0;
    while (!submitFailed) {
      if (changed.size > 0) {
        const keys = [...changed].map((payload) => JSON.parse(payload) as [string, string]);
        changed.clear();
        const rows = await query<{ id: string; status: string }>(
          `SELECT id, status FROM ${table} WHERE (account_id, id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
          [keys.map(([accountId]) => accountId), keys.map(([, jobId]) => jobId)],
        );
        see(rows.rows);
      }
      if (Date.now() - countedAt >= 1_000) {
        countedAt = Date.now();
        const rows = (await query<{ status: string; n: string }>(`SELECT status, count(*) AS n FROM ${table} GROUP BY status`)).rows;
        const counts = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
        const ended = Object.entries(counts).filter(([status]) => ['Failed', 'Stopped', 'Suspended', 'Removed'].includes(status));
        if (ended.length > 0) throw new Error(`jobs ended otherwise than Completed: ${JSON.stringify(counts)}; see the services' logs`);
        if ((counts.Completed ?? 0) > completedAt.size + earlier.size) {
          const seen = [...completedAt.keys(), ...earlier];
          see((await query<{ id: string; status: string }>(`SELECT id, status FROM ${table} WHERE status = 'Completed' AND NOT (id = ANY($1::text[]))`, [seen])).rows);
        }
        if (submitted && Date.now() - progressedAt > 60_000) throw new Error(`no job completed for 60 s; the projection holds ${JSON.stringify(counts)}`);
      }
      const now = completedAt.size;
      if (now >= jobs) return { completedAt, statements };
      if (now !== completed) {
        completed = now;
        progressedAt = Date.now();
      }
      if (fixedRate && Date.now() > drainDeadline) {
        throw new Error(
          `Jobledger did not keep up with ${fixedRate.rate} jobs/s: ${jobs - now} of ${jobs} jobs were not Completed ${fixedRate.drainMs / 1000} s after the last arrival; run a lower --rate (the closed loop, npm run bench, shows its capacity)`,
        );
      }
      if (Date.now() - reportedAt > 5_000) {
        reportedAt = Date.now();
        progress(`${now}/${jobs} completed`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return { completedAt, statements }; // the submissions failed: Promise.all reports that
  } finally {
    await db.end();
  }
}

/**
 * Gives the planner statistics of the stack's tables, as a deployment's autovacuum does within a
 * minute of their first rows: the schemas are seconds old after the warm-up, never analyzed, and
 * the services' prepared statements would otherwise keep plans made for empty tables
 * (docs/performance.md, "Plans made for empty tables").
 */
async function analyzeTables(stack: Stack): Promise<number> {
  const db = new Client({ connectionString: stack.env.DATABASE_URL, application_name: 'jobledger-bench-analyze' });
  await db.connect();
  try {
    const { rows } = await db.query<{ name: string }>(
      `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE left(schemaname, length($1)) = $1 ORDER BY 1`,
      [stack.prefix],
    );
    for (const { name } of rows) await db.query(`ANALYZE ${name}`);
    return rows.length;
  } finally {
    await db.end();
  }
}

/** Transactions committed in the stack's database so far (this query's own included). */
async function postgresCommits(stack: Stack): Promise<number> {
  const db = new Client({ connectionString: stack.env.DATABASE_URL, application_name: 'jobledger-bench-count' });
  await db.connect();
  try {
    const [row] = (await db.query<{ n: string }>(`SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()`)).rows;
    return Number(row.n);
  } finally {
    await db.end();
  }
}

interface LogFacts {
  timeline: JobTimeline;
  byTopic: Record<string, number>;
  bytes: number;
}

/** Reads every topic of the stack: job lifecycle marks, and what the run wrote (by broker time, from `since`). */
async function readLog(bus: EventBus, topicPrefix: string, since: number): Promise<LogFacts> {
  const names = topicNames(topicPrefix);
  const reader = bus.reader();
  const timeline = new JobTimeline();
  const byTopic: Record<string, number> = {};
  let bytes = 0;
  const until = await reader.endOffsets(Object.values(names));
  await reader.read(until, async (batch) => {
    const short = batch.topic.slice(topicPrefix.length);
    for (const message of batch.messages) {
      if (Number(message.timestamp) >= since) {
        byTopic[short] = (byTopic[short] ?? 0) + 1;
        bytes += message.value?.length ?? 0;
      }
      if (batch.topic === names.jobEvents && message.value) timeline.add(JSON.parse(message.value.toString()));
    }
  });
  return { timeline, byTopic, bytes };
}
