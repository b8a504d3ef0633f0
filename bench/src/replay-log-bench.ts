import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { encodeEvent, topicNames, topicSpecs } from '@jobledger/events';
import type { AnyEnvelope } from '@jobledger/events';
import type { EventBus, OutboundMessage } from '@jobledger/kafka';
import { replayReadModel } from '@jobledger/read-model';
import { round } from './stats';

export interface ReplayLogResult {
  jobs: number;
  events: number;
  /** Mean bytes of an event on the log. */
  eventBytes: number;
  eventsPerSec: number;
  replayMs: number;
  /** Writing the log is not timed in eventsPerSec; it is here to show what the log cost. */
  produceMs: number;
}

/** Job-events of one lifecycle plus its output on job-output: what a completed job that printed a line leaves on the log. */
const EVENTS_PER_JOB = 5;
const SEND_BATCH = 2_000;

/**
 * Replay at scale: a log of `jobs` completed jobs (submitted, assigned, started, one output record,
 * completed: the events the services write for a job, with the same shapes and sizes) on topics of
 * its own, replayed into a fresh read-model schema exactly as `jobctl audit verify` does, and
 * checked to hold every job Completed with its timeline and output: a replay that did not do the
 * work measures nothing. Part (d) replays the end-to-end run's log, which is small at today's rates.
 */
export async function benchReplayLog(bus: EventBus, databaseUrl: string, partitions: number, jobs: number): Promise<ReplayLogResult> {
  const run = randomBytes(4).toString('hex');
  const topicPrefix = `bench-log-${run}.`;
  const schema = `bench_log_${run}_replay`;
  const topics = topicNames(topicPrefix);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const admin = await bus.admin();
  await admin.ensureTopics(topicSpecs(topicPrefix), partitions, 1);
  try {
    const produced = await writeLog(bus, topicPrefix, jobs);
    const report = await replayReadModel({ bus, databaseUrl, topicPrefix, schema });
    await checkReplayed(db, schema, jobs);
    if (report.skipped.length > 0) throw new Error(`the replay skipped ${report.skipped.length} events of a log the bench wrote: ${report.skipped[0].reason}`);
    return {
      jobs,
      events: report.messages,
      eventBytes: round(produced.bytes / produced.events, 0),
      eventsPerSec: report.eventsPerSec,
      replayMs: report.replayMs,
      produceMs: produced.ms,
    };
  } finally {
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.end();
    await admin.deleteTopics(Object.values(topics));
    await admin.disconnect();
  }
}

export async function writeLog(bus: EventBus, topicPrefix: string, jobs: number): Promise<{ events: number; bytes: number; ms: number }> {
  const topics = topicNames(topicPrefix);
  const producer = await bus.producer();
  const started = performance.now();
  let events = 0;
  let bytes = 0;
  try {
    let batch: OutboundMessage[] = [];
    for (let i = 0; i < jobs; i++) {
      for (const envelope of lifecycle(`bench-${i}`, i)) {
        const value = encodeEvent(envelope);
        batch.push({ topic: envelope.type === 'JobOutputRecorded' ? topics.jobOutput : topics.jobEvents, key: envelope.jobId as string, value });
        bytes += value.length;
      }
      if (batch.length >= SEND_BATCH || i === jobs - 1) {
        await producer.send(batch);
        events += batch.length;
        batch = [];
      }
    }
  } finally {
    await producer.disconnect();
  }
  return { events, bytes, ms: Math.round(performance.now() - started) };
}

function lifecycle(jobId: string, i: number): AnyEnvelope[] {
  const accountId = `acct-${i % 8}`;
  const base = Date.parse('2026-11-21T10:00:00.000Z') + i * 10;
  const at = (ms: number) => new Date(base + ms).toISOString();
  const correlationId = randomUUID();
  let causationId: string = correlationId;
  const envelope = (type: string, ms: number, data: Record<string, unknown>): AnyEnvelope => {
    const e = { id: randomUUID(), type, schemaVersion: 1, accountId, jobId, occurredAt: at(ms), actor: { kind: 'service', id: 'scheduling' }, correlationId, causationId, data } as AnyEnvelope;
    causationId = e.id;
    return e;
  };
  const submitted = envelope('JobSubmitted', 0, {
    jobId, accountId, name: `nightly-cleanup-${i}`, runbook: { name: 'nightly-cleanup', version: 3, sha256: 'a'.repeat(64), runtime: 'node' },
    parameters: { target: `host-${i % 100}`, dryRun: false }, runOn: null, priority: 0, tags: ['bench'], errorAction: 'continue', at: at(0),
  });
  submitted.actor = { kind: 'apiKey', id: 'key-bench', role: 'Contributor' };
  return [
    submitted,
    envelope('JobAssigned', 12, { worker: 'worker-1', workerGroup: 'default', attempt: 1, at: at(12) }),
    envelope('JobStarted', 60, { worker: 'worker-1', attempt: 1, at: at(60) }),
    envelope('JobOutputRecorded', 70, { attempt: 1, records: [{ seq: 1, stream: 'Output', time: at(65), value: { cleaned: i % 17 } }] }),
    envelope('JobCompleted', 90, { result: { cleaned: i % 17 }, outputRecords: 1, at: at(90) }),
  ];
}

async function checkReplayed(db: Client, schema: string, jobs: number): Promise<void> {
  const count = async (sql: string) => Number((await db.query<{ n: string }>(sql)).rows[0].n);
  const completed = await count(`SELECT count(*) AS n FROM "${schema}".jobs WHERE status = 'Completed'`);
  const timeline = await count(`SELECT count(*) AS n FROM "${schema}".job_history`);
  const output = await count(`SELECT count(*) AS n FROM "${schema}".job_output`);
  const expected = { completed: jobs, timeline: jobs * (EVENTS_PER_JOB - 1), output: jobs };
  if (completed !== expected.completed || timeline !== expected.timeline || output !== expected.output) {
    throw new Error(
      `the replayed read model is not the log's: ${completed} of ${jobs} jobs Completed, ${timeline} of ${expected.timeline} timeline rows, ${output} of ${jobs} output rows`,
    );
  }
}
