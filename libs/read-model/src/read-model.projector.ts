import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { JOB_EVENT_TYPES, initialState } from '@jobledger/domain';
import type { JobEvent } from '@jobledger/domain';
import { encodeEvent, evolveJobView } from '@jobledger/events';
import type { AnyEnvelope, RunbookPublishedData } from '@jobledger/events';
import { claimEvents, jobKey } from '@jobledger/platform';
import type { DecodedEvent, GuardedPart, OptimisticProjection } from '@jobledger/platform';
import { JobWrites, appliedBefore, forgetJob, jobRowsAndAppliedStatements, loadJobRows, loadJobRowsAndApplied, loadedBatch, removedJobsStatement } from './job-timeline';
import type { LoadedBatch } from './job-timeline';
import { hasRecords, outputInsert } from './job-output';
import { WORKER_EVENT_TYPES, projectWorkerEvent } from './worker-events.projection';

const JOB_TYPES: ReadonlySet<string> = new Set(JOB_EVENT_TYPES);

/**
 * From this many new rows of a table a batch writes them with COPY: a live batch (a few events)
 * keeps the statements and their ON CONFLICT, a catch-up or a replay (thousands) is bulk.
 */
const COPY_FROM_ROWS = 200;

/**
 * The query service's read model: jobs (with each job's running SHA-256 over its lifecycle
 * events), their timeline, output and status entries, runbook versions, workers and worker
 * groups. The same code projects the live schema and a rebuild, so the two can be compared.
 * Each event is applied once per schema (a job event's timeline row, an output record's key and
 * the inbox for the rest remember it): a duplicate on the log or a redelivery changes nothing.
 * Runs inside the caller's transaction. A batch's job events are applied in memory and written
 * with a few statements per batch (see JobWrites), in order.
 */
export class ReadModelProjector {
  private readonly copyFrom: number;
  private readonly channel: string | null;

  /**
   * @param schema the quoted schema to write to
   * @param options.copyFrom from how many new rows of a table a batch writes them with COPY (see JobWrites)
   * @param options.notify whether changed jobs are announced on the schema's channel (jobChangesChannel), which
   *   wakes the requests waiting for them; a replay into a schema of its own has no one waiting. @default true
   */
  constructor(
    readonly schema: string,
    options: { copyFrom?: number; notify?: boolean } = {},
  ) {
    this.copyFrom = options.copyFrom ?? COPY_FROM_ROWS;
    this.channel = options.notify === false ? null : jobChangesChannel(schema);
  }

  async apply(manager: EntityManager, events: DecodedEvent[]): Promise<void> {
    // Job events are claimed by their timeline rows (applyJobEvents) and output is idempotent by its
    // key, so only the other events need the inbox: one index row fewer for nearly every event.
    const claimed = await claimEvents(
      manager,
      this.schema,
      events.filter((e) => !runKind(e.envelope)).map((e) => e.envelope.id),
    );
    // A run of job events, or of output, is applied at once; any other event ends the run before it.
    let run: DecodedEvent[] = [];
    let kind: RunKind = 'job';
    for (const event of events) {
      const next = runKind(event.envelope);
      if (!next && !claimed.delete(event.envelope.id.toLowerCase())) continue;
      if (run.length > 0 && next !== kind) {
        await this.applyRun(manager, kind, run);
        run = [];
      }
      if (next) {
        kind = next;
        run.push(event);
      } else {
        await this.applyOther(manager, event.envelope);
      }
    }
    if (run.length > 0) await this.applyRun(manager, kind, run);
  }

  private async applyRun(manager: EntityManager, kind: RunKind, run: DecodedEvent[]): Promise<void> {
    if (kind === 'job') await this.applyJobEvents(manager, run);
    else await this.applyOutput(manager, run.map((e) => e.envelope));
  }

  private async applyOther(manager: EntityManager, envelope: AnyEnvelope): Promise<void> {
    if (envelope.type === 'RunbookPublished') {
      const d = envelope.data as RunbookPublishedData;
      await manager.query(
        `INSERT INTO ${this.schema}.runbook_versions (account_id, name, version, runtime, source, sha256, run_on, description, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
        [envelope.accountId, d.name, d.version, d.runtime, d.source, d.sha256, d.runOn, d.description, d.at],
      );
    } else if (WORKER_EVENT_TYPES.has(envelope.type)) {
      await projectWorkerEvent(manager, this.schema, envelope);
    }
  }

  /**
   * Job events, in log order: each job's row is read once (locked), evolved in memory, and written
   * once. An event already on the timeline was applied before (a duplicate on the log or a
   * redelivery), and a removed job takes no more events: its timeline is gone with it, and its id
   * cannot be submitted again.
   */
  private async applyJobEvents(manager: EntityManager, events: DecodedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const { keys, jobs } = jobsOf(events);
    const loaded = await this.loadBatch(manager, events, keys, jobs);
    const writes = new JobWrites(this.schema, this.channel, this.copyFrom, loaded.rows.keys());
    for (const [i, event] of events.entries()) {
      if (this.evolveOne(event, keys[i], loaded, writes) !== 'removed') continue;
      const { envelope } = event;
      await writes.flush(manager);
      await forgetJob(manager, this.schema, envelope.accountId, envelope.jobId as string);
      loaded.rows.delete(keys[i]);
      loaded.removed.add(keys[i]);
    }
    await writes.flush(manager);
  }

  /**
   * One job event applied in memory: skipped when applied before or its job was removed, else
   * its job's next row recorded in `writes` — unless it removes the job, which the caller does.
   */
  private evolveOne({ envelope, message }: DecodedEvent, key: string, loaded: LoadedBatch, writes: JobWrites): 'skipped' | 'recorded' | 'removed' {
    const id = envelope.id.toLowerCase();
    if (loaded.applied.has(id) || loaded.removed.has(key)) return 'skipped';
    loaded.applied.add(id);
    const row = loaded.rows.get(key);
    const event = { type: envelope.type, data: envelope.data } as JobEvent;
    const before = row?.state ?? initialState();
    const { view, state } = evolveJobView(row?.view ?? null, before, event, envelope.occurredAt);
    if (!view) return 'skipped';
    if (state.removed) return 'removed';
    const next = {
      accountId: envelope.accountId,
      jobId: envelope.jobId as string,
      view,
      state,
      eventCount: (row?.eventCount ?? 0) + 1,
      logSha256: chainSha256(row?.logSha256 ?? null, message.value ?? encodeEvent(envelope)),
    };
    loaded.rows.set(key, next);
    writes.record(envelope, next, before.status);
    return 'recorded';
  }

  /**
   * The projector as an OptimisticProjection (ManagedConsumer): a live fetch of job events and
   * output is read with one statement and written with one guarded statement, outside a
   * transaction — each job's row only at the event count it was read at, each timeline and status
   * entry only where none is. Bulk fetches (COPY), removals and other events take the locked path.
   */
  optimistic(): OptimisticProjection<AnyEnvelope> {
    return {
      reads: (events) => {
        if (events.length >= this.copyFrom || events.some((e) => !runKind(e.envelope) || e.envelope.type === 'JobRemoved')) return undefined;
        const jobEvents = events.filter((e) => runKind(e.envelope) === 'job');
        return jobRowsAndAppliedStatements(this.schema, jobEvents.map((e) => e.envelope), [...jobsOf(events).jobs.values()]);
      },
      writes: (fresh, rows) => this.guardedWrites(fresh, loadedBatch(rows)),
    };
  }

  private guardedWrites(fresh: readonly DecodedEvent[], loaded: LoadedBatch): GuardedPart[] | undefined {
    const read = new Map([...loaded.rows].map(([key, row]) => [key, row.eventCount]));
    const writes = new JobWrites(this.schema, this.channel, this.copyFrom, read.keys());
    const output: AnyEnvelope[] = [];
    for (const event of fresh) {
      const { envelope } = event;
      if (runKind(envelope) === 'output') output.push(envelope);
      else if (this.evolveOne(event, jobKey(envelope.accountId, envelope.jobId as string), loaded, writes) === 'removed') return undefined;
    }
    const insertOutput = outputInsert(this.schema, output, loaded.removed);
    // Output is keyed by its record: a record already there (a duplicate on the log) is no lost race.
    return [...writes.guardedParts(read), ...(insertOutput ? [{ statement: insertOutput }] : [])];
  }

  /** The batch's job rows (locked), which of its events were applied before and which of its jobs were removed. */
  private async loadBatch(
    manager: EntityManager,
    events: DecodedEvent[],
    keys: string[],
    jobs: Map<string, [string, string]>,
  ): Promise<LoadedBatch> {
    // A live batch: one round trip.
    if (events.length < this.copyFrom) return loadJobRowsAndApplied(manager, this.schema, events.map((e) => e.envelope), [...jobs.values()]);
    const rows = await loadJobRows(manager, this.schema, [...jobs.values()]);
    // A timeline row is written with its job's row and deleted with it: only a job with a row can
    // have applied events, and only one without a row can have been removed.
    const { applied, removed } = await appliedBefore(
      manager,
      this.schema,
      events.filter((_, i) => rows.has(keys[i])).map((e) => e.envelope),
      [...jobs].filter(([key]) => !rows.has(key)).map(([, job]) => job),
    );
    return { rows, applied, removed };
  }

  /** Output of jobs not removed (a tombstone keeps out output that arrives after the removal), one statement for the run. */
  private async applyOutput(manager: EntityManager, envelopes: AnyEnvelope[]): Promise<void> {
    const withRecords = envelopes.filter(hasRecords);
    if (withRecords.length === 0) return;
    const lookup = removedJobsStatement(this.schema, withRecords.map((e) => [e.accountId, e.jobId as string] as const));
    const removed: { account_id: string; job_id: string }[] = await manager.query(lookup.sql, lookup.params);
    const insert = outputInsert(this.schema, withRecords, new Set(removed.map((r) => jobKey(r.account_id, r.job_id))));
    if (insert) await manager.query(insert.sql, insert.params);
  }
}

/** The events' job keys (jobKey, in the events' order) and each job's account and id, once. */
function jobsOf(events: readonly DecodedEvent[]): { keys: string[]; jobs: Map<string, [string, string]> } {
  const keys = events.map(({ envelope }) => jobKey(envelope.accountId, envelope.jobId as string));
  const jobs = new Map(events.map(({ envelope }, i) => [keys[i], [envelope.accountId, envelope.jobId as string] as [string, string]]));
  return { keys, jobs };
}

/** Events the projector applies a run at a time: a job's lifecycle events, and output. */
type RunKind = 'job' | 'output';

function runKind(envelope: AnyEnvelope): RunKind | undefined {
  if (!envelope.jobId) return undefined;
  if (JOB_TYPES.has(envelope.type)) return 'job';
  return envelope.type === 'JobOutputRecorded' ? 'output' : undefined;
}

/**
 * One step of a job's running SHA-256: the hex digest of the previous digest (empty for the
 * first event) followed by the event's bytes exactly as they are on the log.
 */
export function chainSha256(previous: string | null, eventBytes: Buffer): string {
  return createHash('sha256').update(previous ?? '').update(eventBytes).digest('hex');
}

/** The Postgres NOTIFY channel on which the projector announces changed jobs. */
export function jobChangesChannel(quotedSchema: string): string {
  return `${quotedSchema.replace(/"/g, '')}_job_changes`;
}
