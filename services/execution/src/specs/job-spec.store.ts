import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { JobEventData, RunbookRuntime } from '@jobledger/domain';
import type { AnyEnvelope, RunbookPublishedData, TopicNames } from '@jobledger/events';
import type { EntityManager } from 'typeorm';
import { PLATFORM_CONFIG, ProjectionPositions, Wakeup, jobKey, quoteIdent, serviceSchema } from '@jobledger/platform';
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
    if (this.watches.size === 0) return;
    for (const { envelope } of events) {
      if (envelope.type !== 'JobSubmitted' || !envelope.jobId) continue;
      for (const notify of this.watches.get(jobKey(envelope.accountId, envelope.jobId)) ?? []) notify();
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
      } else if (envelope.type === 'JobSubmitted' && envelope.jobId) {
        await manager.query(
          `INSERT INTO ${this.schema}.job_specs (account_id, job_id, submitted) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
          [envelope.accountId, envelope.jobId, JSON.stringify(envelope.data)],
        );
      }
    }
  }

  /** The spec, or null while the projection has not caught up with the job's submission. */
  async find(accountId: string, jobId: string): Promise<JobSpec | null> {
    const rows = await this.dataSource.query(
      `SELECT s.submitted, r.source, r.runtime, p.last_checkpoint AS "lastCheckpoint", COALESCE(p.last_seq, 0) AS "lastSeq"
       FROM ${this.schema}.job_specs s
       JOIN ${this.schema}.runbook_versions r ON r.account_id = s.account_id AND r.name = s.submitted->'runbook'->>'name'
         AND r.version = (s.submitted->'runbook'->>'version')::int
       LEFT JOIN ${this.schema}.job_progress p ON p.account_id = s.account_id AND p.job_id = s.job_id
       WHERE s.account_id = $1 AND s.job_id = $2`,
      [accountId, jobId],
    );
    return rows[0] ?? null;
  }
}
