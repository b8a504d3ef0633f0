import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { JobEventData, RunbookRuntime } from '@jobledger/domain';
import type { AnyEnvelope, RunbookPublishedData, TopicNames } from '@jobledger/events';
import type { EntityManager } from 'typeorm';
import { PLATFORM_CONFIG, ProjectionPositions, Wakeup, jobKey, pgArray, quoteIdent, serviceSchema } from '@jobledger/platform';
import type { DecodedEvent, ManagedConsumer, PlatformConfig } from '@jobledger/platform';

export interface JobSpec {
  submitted: JobEventData<'JobSubmitted'>;
  source: string;
  runtime: RunbookRuntime;
  /** The last checkpoint, for a job that runs again; null when it has none. */
  lastCheckpoint: { checkpointId: string; state: unknown } | null;
  /** The highest seq of the job's records so far; a new attempt numbers on from it. */
  lastSeq: number;
}

export interface SubmissionWatch {
  pause(ms: number): Promise<void>;
  close(): void;
}

/** Where an event is on the log. */
export interface LogPosition {
  topic: string;
  partition: number;
  offset: string;
}

/** The consumer name under which the specs projection stores its positions. */
export const SPECS_CONSUMER_NAME = 'execution.specs';

/** How much of the recent submissions and runbook sources (JSON and source characters) a worker keeps in memory. */
const RECENT_CHARS = 16 * 1024 * 1024;

/** The events the specs projection applies; of the rest it stores only the positions. */
const SPEC_EVENT_TYPES = new Set(['RunbookPublished', 'JobCheckpointed', 'JobOutputRecorded', 'JobSubmitted']);

/**
 * The specs projection as workers run it (consumer group `execution.specs`). Most job events
 * (queued, assigned, started, completed, …) are not a spec's: a fetch of only those takes no
 * transaction, and its position is stored within a second.
 */
export function startSpecsProjection(consumer: ManagedConsumer, specs: JobSpecStore, topics: TopicNames): void {
  consumer.startProjectionWhenReady(
    SPECS_CONSUMER_NAME,
    [topics.jobEvents, topics.runbookEvents, topics.jobOutput],
    { dataSource: specs.dataSource, schema: specs.schema },
    (manager, events) => specs.project(manager, events),
    { applies: (envelope: AnyEnvelope) => SPEC_EVENT_TYPES.has(envelope.type), onApplied: (events) => specs.projected(events) },
  );
}

/**
 * What workers need to run a job: its submission and its runbook version's source, projected
 * from the log by one consumer group shared by all workers, a batch per transaction with the
 * batch's position (so a worker can tell "not projected yet" from "not on the log"). Inserts
 * are idempotent (the keys are the facts' identities), so redelivery changes nothing.
 */
@Injectable()
export class JobSpecStore {
  readonly schema: string;
  private readonly positions: ProjectionPositions;

  /** Watches of this process for a job's submission, by account/job. */
  private readonly watches = new Map<string, Set<() => void>>();
  /** Submissions this process projected, by account/job, until their first attempt's spec is taken. */
  private readonly recentSubmissions = new RecentEntries<JobEventData<'JobSubmitted'>>(RECENT_CHARS);
  /** Runbook versions' sources (never change once published), by account/name/version. */
  private readonly recentRunbooks = new RecentEntries<{ source: string; runtime: RunbookRuntime }>(RECENT_CHARS);

  constructor(
    readonly dataSource: DataSource,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    this.schema = quoteIdent(serviceSchema(config));
    this.positions = new ProjectionPositions(dataSource, this.schema, SPECS_CONSUMER_NAME);
  }

  /**
   * Watches for the job's submission to be committed by this process's projection: the
   * submission often comes in the same fetch as the assignment, and is readable a transaction
   * later. `pause(ms)` resolves at that commit (also one that came since the last pause), or
   * after `ms` — another worker's process may project it instead. Close it when done.
   */
  watchSubmission(accountId: string, jobId: string): SubmissionWatch {
    const key = jobKey(accountId, jobId);
    const committed = new Wakeup();
    const notify = () => committed.kick();
    const watches = this.watches.get(key) ?? new Set<() => void>();
    this.watches.set(key, watches.add(notify));
    return {
      pause: async (ms) => {
        await committed.sleep(ms);
        committed.take();
      },
      close: () => {
        watches.delete(notify);
        if (watches.size === 0 && this.watches.get(key) === watches) this.watches.delete(key);
      },
    };
  }

  /** Told what a committed transaction of the projection applied. */
  projected(events: DecodedEvent[]): void {
    for (const { envelope, message } of events) {
      if (envelope.type === 'RunbookPublished') {
        const d = envelope.data as RunbookPublishedData;
        this.recentRunbooks.set(runbookKey(envelope.accountId, d.name, d.version), { source: d.source, runtime: d.runtime }, d.source.length);
      }
      if (envelope.type !== 'JobSubmitted' || !envelope.jobId) continue;
      const key = jobKey(envelope.accountId, envelope.jobId);
      this.recentSubmissions.set(key, envelope.data as JobEventData<'JobSubmitted'>, message.value?.length ?? 0);
      for (const notify of this.watches.get(key) ?? []) notify();
    }
  }

  /**
   * True once the projection has applied the given job-events position and everything before it
   * in its partition (the positions of events it ignores, like the assignment itself, are stored
   * up to a second later). A job's submission is before its assignment in the job's partition, so a
   * spec without a submission by then will not come.
   */
  async hasProjectedPast(position: LogPosition): Promise<boolean> {
    const next = await this.positions.nextOffset(position.topic, position.partition);
    return next !== null && BigInt(next) > BigInt(position.offset);
  }

  /** Whether the job's submission is projected (its runbook version may still be on its way). */
  async hasSubmission(accountId: string, jobId: string): Promise<boolean> {
    const rows = await this.dataSource.query(`SELECT 1 FROM ${this.schema}.job_specs WHERE account_id = $1 AND job_id = $2`, [accountId, jobId]);
    return rows.length > 0;
  }

  async project(manager: EntityManager, events: DecodedEvent[]): Promise<void> {
    // Submissions, most of what a busy worker projects, in one statement.
    const submissions = events.filter(({ envelope }) => envelope.type === 'JobSubmitted' && envelope.jobId);
    if (submissions.length > 0) {
      await manager.query(
        `INSERT INTO ${this.schema}.job_specs (account_id, job_id, submitted)
         SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[]) ON CONFLICT DO NOTHING`,
        [
          pgArray(submissions.map(({ envelope }) => envelope.accountId)),
          pgArray(submissions.map(({ envelope }) => envelope.jobId as string)),
          pgArray(submissions.map(({ envelope }) => JSON.stringify(envelope.data))),
        ],
      );
    }
    for (const { envelope } of events) {
      if (envelope.type === 'RunbookPublished') {
        const d = envelope.data as RunbookPublishedData;
        await manager.query(
          `INSERT INTO ${this.schema}.runbook_versions (account_id, name, version, runtime, source, sha256) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT DO NOTHING`,
          [envelope.accountId, d.name, d.version, d.runtime, d.source, d.sha256],
        );
      } else if (envelope.type === 'JobCheckpointed' && envelope.jobId) {
        const { checkpointId, state } = envelope.data as JobEventData<'JobCheckpointed'>;
        await manager.query(
          `INSERT INTO ${this.schema}.job_progress (account_id, job_id, last_checkpoint) VALUES ($1, $2, $3)
           ON CONFLICT (account_id, job_id) DO UPDATE SET last_checkpoint = EXCLUDED.last_checkpoint`,
          [envelope.accountId, envelope.jobId, JSON.stringify({ checkpointId, state: state ?? null })],
        );
      } else if (envelope.type === 'JobOutputRecorded' && envelope.jobId) {
        const seqs = (envelope.data as { records: { seq: number }[] }).records.map((r) => r.seq);
        if (seqs.length === 0) continue;
        await manager.query(
          `INSERT INTO ${this.schema}.job_progress (account_id, job_id, last_seq) VALUES ($1, $2, $3)
           ON CONFLICT (account_id, job_id) DO UPDATE SET last_seq = GREATEST(${this.schema}.job_progress.last_seq, EXCLUDED.last_seq)`,
          [envelope.accountId, envelope.jobId, Math.max(...seqs)],
        );
      }
    }
  }

  /**
   * The spec, or null while the projection has not caught up with the job's submission. A first
   * attempt has no checkpoint and no records yet: its spec comes from memory when this process
   * projected its submission and knows its runbook version, else from Postgres.
   */
  async find(accountId: string, jobId: string, firstAttempt = false): Promise<JobSpec | null> {
    if (firstAttempt) {
      const spec = this.takeRecent(accountId, jobId);
      if (spec) return spec;
    }
    const [spec]: JobSpec[] = await this.dataSource.query(
      `SELECT s.submitted, r.source, r.runtime, p.last_checkpoint AS "lastCheckpoint", COALESCE(p.last_seq, 0) AS "lastSeq"
       FROM ${this.schema}.job_specs s
       JOIN ${this.schema}.runbook_versions r ON r.account_id = s.account_id AND r.name = s.submitted->'runbook'->>'name'
         AND r.version = (s.submitted->'runbook'->>'version')::int
       LEFT JOIN ${this.schema}.job_progress p ON p.account_id = s.account_id AND p.job_id = s.job_id
       WHERE s.account_id = $1 AND s.job_id = $2`,
      [accountId, jobId],
    );
    if (!spec) return null;
    const { name, version } = spec.submitted.runbook;
    this.recentRunbooks.set(runbookKey(accountId, name, version), { source: spec.source, runtime: spec.runtime }, spec.source.length);
    return spec;
  }

  private takeRecent(accountId: string, jobId: string): JobSpec | null {
    const key = jobKey(accountId, jobId);
    const submitted = this.recentSubmissions.get(key);
    const runbook = submitted && this.recentRunbooks.get(runbookKey(accountId, submitted.runbook.name, submitted.runbook.version));
    if (!submitted || !runbook) return null;
    this.recentSubmissions.delete(key);
    return { submitted, source: runbook.source, runtime: runbook.runtime, lastCheckpoint: null, lastSeq: 0 };
  }
}

function runbookKey(accountId: string, name: string, version: number): string {
  return JSON.stringify([accountId, name, version]);
}

/** Entries kept in insertion order while their sizes add up to at most `maxSize`; the oldest go first. */
export class RecentEntries<V> {
  private readonly entries = new Map<string, { value: V; size: number }>();
  private total = 0;

  constructor(private readonly maxSize: number) {}

  get(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  set(key: string, value: V, size: number): void {
    this.delete(key);
    if (size > this.maxSize) return;
    this.entries.set(key, { value, size });
    this.total += size;
    for (const [oldest, entry] of this.entries) {
      if (this.total <= this.maxSize) break;
      this.entries.delete(oldest);
      this.total -= entry.size;
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.total -= entry.size;
  }
}
