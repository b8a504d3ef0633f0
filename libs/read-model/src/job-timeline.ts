import type { EntityManager } from 'typeorm';
import type { JobState, JobStatus } from '@jobledger/domain';
import type { AnyEnvelope, JobView } from '@jobledger/events';
import { combineStatements, copyRows, jobKey, pgArray, queryTogether, rowsByKey } from '@jobledger/platform';
import type { CopyValue, GuardedPart, SqlStatement } from '@jobledger/platform';

/** A job's read-model row as the projector keeps it while it applies a batch. */
export interface JobRow {
  accountId: string;
  jobId: string;
  view: JobView;
  state: JobState;
  eventCount: number;
  logSha256: string | null;
}

/** A batch's job rows (keyed by jobKey), which of its events were applied before (ids, lower-cased) and which of its jobs were removed. */
export interface LoadedBatch {
  rows: Map<string, JobRow>;
  applied: Set<string>;
  removed: Set<string>;
}

/**
 * The writes of a run of job events, gathered so that a batch of events costs a few statements
 * instead of several per event: each event's timeline entry (with its actor), a status entry for
 * the dashboard when it moved the job to another status, each job's latest row, and one NOTIFY
 * per changed job. Keyed by event id and job: idempotent.
 *
 * From `copyFrom` rows on (a catch-up, a replay) new rows go in with COPY, which costs Postgres
 * about half: the timeline and status entries of events the projector knows are not applied yet,
 * and the rows of jobs it did not find. A concurrent writer of the same rows makes COPY fail with a
 * unique violation where the statements would skip them; the caller applies the batch again one
 * event at a time, where the statements take over.
 */
export class JobWrites {
  private history: CopyValue[][] = [];
  private statusEntries: CopyValue[][] = [];
  private readonly rows = new Map<string, JobRow>();
  /** Jobs that have a row in the schema: found there, or written by an earlier flush. */
  private readonly stored: Set<string>;

  /** @param stored the jobs that have a row in the schema (keyed by jobKey) */
  constructor(
    private readonly schema: string,
    /** Where changed jobs are announced; null: nowhere. */
    private readonly channel: string | null,
    private readonly copyFrom: number,
    stored: Iterable<string>,
  ) {
    this.stored = new Set(stored);
  }

  record(envelope: AnyEnvelope, row: JobRow, before: JobStatus | null): void {
    const after = row.view.status;
    this.history.push([envelope.id, envelope.accountId, row.jobId, envelope.occurredAt, envelope.type, after, JSON.stringify(envelope.actor), envelope.correlationId, JSON.stringify(envelope.data)]);
    if (before !== after) this.statusEntries.push([envelope.id, envelope.accountId, row.view.runbook, after, envelope.occurredAt]);
    this.rows.set(jobKey(row.accountId, row.jobId), row);
  }

  /** COPY for what `copyFrom` says, and everything else as one statement: one round trip for a live batch. */
  async flush(manager: EntityManager): Promise<void> {
    const s = this.schema;
    const statements: SqlStatement[] = [];
    await this.insertNew(
      manager,
      statements,
      'job_history',
      HISTORY_COLUMNS,
      this.history,
      HISTORY_SELECT,
    );
    await this.insertNew(manager, statements, 'status_entries', STATUS_ENTRY_COLUMNS, this.statusEntries, STATUS_ENTRY_SELECT);
    if (this.rows.size > 0) {
      const all = [...this.rows];
      const fresh = all.filter(([key]) => !this.stored.has(key));
      const copied = fresh.length >= this.copyFrom ? fresh : [];
      const upserted = copied.length > 0 ? all.filter(([key]) => this.stored.has(key)) : all;
      if (copied.length > 0) await copyRows(manager, `${s}.jobs`, JOB_COLUMNS, copied.map(([, row]) => jobColumns(row)));
      if (upserted.length > 0) {
        statements.push({
          sql: `INSERT INTO ${s}.jobs (${JOB_COLUMNS.join(', ')}) ${JOB_SELECT}
           ON CONFLICT (account_id, id) DO UPDATE SET view = EXCLUDED.view, state = EXCLUDED.state, status = EXCLUDED.status,
             last_modified_at = EXCLUDED.last_modified_at, event_count = EXCLUDED.event_count, log_sha256 = EXCLUDED.log_sha256`,
          params: columnsOf(upserted.map(([, row]) => jobColumns(row)), JOB_COLUMNS.length),
        });
      }
      if (this.channel) statements.push(this.notifyStatement(all.map(([, row]) => row)));
      for (const [key] of all) this.stored.add(key);
    }
    if (statements.length > 0) {
      const { sql, params } = combineStatements(statements);
      await manager.query(sql, params);
    }
    this.history = [];
    this.statusEntries = [];
    this.rows.clear();
  }

  /**
   * The writes recorded so far as the parts of a guarded write (guardedWrite), for a live batch read
   * without a transaction: each timeline and status entry only where none is, each job's row only at
   * the event count it was read at (`read`, by jobKey; a job not in it only where it has no row) —
   * whoever applied any of these events meanwhile fails the whole write. Never COPY.
   */
  guardedParts(read: ReadonlyMap<string, number>): GuardedPart[] {
    const s = this.schema;
    const parts: GuardedPart[] = [];
    const insert = (table: string, columns: string[], rows: CopyValue[][], select: string) => {
      if (rows.length > 0) parts.push({ statement: { sql: `INSERT INTO ${s}.${table} (${columns.join(', ')}) ${select} ON CONFLICT DO NOTHING RETURNING 1`, params: columnsOf(rows, columns.length) }, rows: rows.length });
    };
    insert('job_history', HISTORY_COLUMNS, this.history, HISTORY_SELECT);
    insert('status_entries', STATUS_ENTRY_COLUMNS, this.statusEntries, STATUS_ENTRY_SELECT);
    // In key order, as the locked path's rowsByKey locks them: two writers never wait on each other in a cycle.
    const all = [...this.rows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const stored = all.filter(([key]) => read.has(key));
    insert('jobs', JOB_COLUMNS, all.filter(([key]) => !read.has(key)).map(([, row]) => jobColumns(row)), JOB_SELECT);
    if (stored.length > 0) {
      parts.push({
        statement: {
          sql: `UPDATE ${s}.jobs AS t SET view = u.v::json, state = u.st::json, status = u.s, last_modified_at = u.m, event_count = u.n, log_sha256 = u.h
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::int[], $10::text[], $11::int[]) AS u(a, i, v, st, s, r, m, c, n, h, was)
           WHERE t.account_id = u.a AND t.id = u.i AND t.event_count = u.was RETURNING 1`,
          params: [...columnsOf(stored.map(([, row]) => jobColumns(row)), JOB_COLUMNS.length), pgArray(stored.map(([key]) => read.get(key) as number))],
        },
        rows: stored.length,
      });
    }
    if (this.channel && all.length > 0) {
      parts.push({ statement: this.notifyStatement(all.map(([, row]) => row)), rows: all.length });
    }
    return parts;
  }

  /** Delivered on commit: wakes the requests waiting for these jobs (JobWaiter). */
  private notifyStatement(rows: readonly JobRow[]): SqlStatement {
    return { sql: `SELECT pg_notify($1, n) FROM unnest($2::text[]) AS n`, params: [this.channel, pgArray(rows.map((row) => JSON.stringify([row.accountId, row.jobId])))] };
  }

  /**
   * Rows keyed by their event, none applied before: with COPY from `copyFrom` rows on, else as a
   * statement for `statements` (`select` reads them from one array literal per column) that skips any already there.
   */
  private async insertNew(manager: EntityManager, statements: SqlStatement[], table: string, columns: string[], rows: CopyValue[][], select: string): Promise<void> {
    if (rows.length >= this.copyFrom) {
      await copyRows(manager, `${this.schema}.${table}`, columns, rows);
    } else if (rows.length > 0) {
      statements.push({ sql: `INSERT INTO ${this.schema}.${table} (${columns.join(', ')}) ${select} ON CONFLICT DO NOTHING`, params: columnsOf(rows, columns.length) });
    }
  }
}

const HISTORY_COLUMNS = ['event_id', 'account_id', 'job_id', 'time', 'type', 'status', 'actor', 'correlation_id', 'data'];
const STATUS_ENTRY_COLUMNS = ['event_id', 'account_id', 'runbook', 'status', 'entered_at'];
const JOB_COLUMNS = ['account_id', 'id', 'view', 'state', 'status', 'runbook', 'last_modified_at', 'created_at', 'event_count', 'log_sha256'];
/** What each table's inserts select: the columns above, from one array literal per column. */
const HISTORY_SELECT = `SELECT e, a, j, t, ty, st, ac::json, c, d::json
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[]) AS u(e, a, j, t, ty, st, ac, c, d)`;
const STATUS_ENTRY_SELECT = `SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])`;
const JOB_SELECT = `SELECT a, i, v::json, st::json, s, r, m, c, n, h
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::int[], $10::text[]) AS u(a, i, v, st, s, r, m, c, n, h)`;

function jobColumns(r: JobRow): CopyValue[] {
  return [r.accountId, r.jobId, JSON.stringify(r.view), JSON.stringify(r.state), r.view.status, r.view.runbook, r.view.lastModifiedAt, r.view.createdAt, r.eventCount, r.logSha256];
}

/** Rows as one array literal per column, for `unnest`. */
function columnsOf(rows: readonly CopyValue[][], width: number): string[] {
  const columns: string[] = [];
  for (let i = 0; i < width; i++) columns.push(pgArray(rows.map((row) => row[i])));
  return columns;
}

/** The current rows of the given jobs, locked for this transaction, keyed by jobKey. */
export async function loadJobRows(manager: EntityManager, schema: string, jobs: readonly [string, string][]): Promise<Map<string, JobRow>> {
  const { sql, params } = jobRowsStatement(schema, jobs);
  return jobRowsByKey(await manager.query(sql, params));
}

interface JobRowRead {
  account_id: string;
  id: string;
  view: JobView;
  state: JobState;
  event_count: number;
  log_sha256: string | null;
}

function jobRowsStatement(schema: string, jobs: readonly [string, string][], lock = true): SqlStatement {
  return rowsByKey({
    table: `${schema}.jobs`,
    key: [['account_id', 'text'], ['id', 'text']],
    keys: jobs,
    columns: 'account_id, id, view, state, event_count, log_sha256',
    forUpdate: lock,
  });
}

/** Which of the events are on the timeline: their ids (`id`, lower-cased). */
function onTimelineStatement(schema: string, events: readonly AnyEnvelope[]): SqlStatement {
  return rowsByKey({
    table: `${schema}.job_history`,
    key: [['account_id', 'text'], ['job_id', 'text'], ['event_id', 'uuid']],
    keys: events.map((e) => [e.accountId, e.jobId as string, e.id]),
    columns: 'event_id::text AS id',
  });
}

/** Which of the jobs were removed: `account_id`, `job_id`. */
export function removedJobsStatement(schema: string, jobs: readonly (readonly [string, string])[]): SqlStatement {
  return rowsByKey({ table: `${schema}.removed_jobs`, key: [['account_id', 'text'], ['job_id', 'text']], keys: jobs, columns: 'account_id, job_id' });
}

function jobRowsByKey(rows: readonly JobRowRead[]): Map<string, JobRow> {
  return new Map(
    rows.map((r) => [jobKey(r.account_id, r.id), { accountId: r.account_id, jobId: r.id, view: r.view, state: r.state, eventCount: r.event_count, logSha256: r.log_sha256 }]),
  );
}

/**
 * loadJobRows and appliedBefore in one round trip, for a live batch: the events are looked up on
 * the timeline and the jobs among the removed whether or not their job has a row (appliedBefore
 * looks only where an answer is possible, which saves a bulk batch many lookups), with the same answer.
 */
export async function loadJobRowsAndApplied(manager: EntityManager, schema: string, events: readonly AnyEnvelope[], jobs: readonly [string, string][]): Promise<LoadedBatch> {
  return loadedBatch(await queryTogether(manager, jobRowsAndAppliedStatements(schema, events, jobs, true)));
}

/** The reads of loadJobRowsAndApplied, for queryTogether; `lock` locks the job rows for the transaction. @default false */
export function jobRowsAndAppliedStatements(schema: string, events: readonly AnyEnvelope[], jobs: readonly [string, string][], lock = false): SqlStatement[] {
  return [jobRowsStatement(schema, jobs, lock), onTimelineStatement(schema, events), removedJobsStatement(schema, jobs)];
}

/** What the statements of jobRowsAndAppliedStatements returned (queryTogether), as a LoadedBatch. */
export function loadedBatch([rows, applied, removed]: Record<string, unknown>[][]): LoadedBatch {
  return {
    rows: jobRowsByKey(rows as unknown as JobRowRead[]),
    applied: new Set(applied.map((r) => r.id as string)),
    removed: new Set(removed.map((r) => jobKey(r.account_id as string, r.job_id as string))),
  };
}

/**
 * Which of these job events the timeline holds (applied before), lower-cased, and which of these
 * jobs were removed (keyed by jobKey). One round trip, none when there is nothing to look for.
 */
export async function appliedBefore(
  manager: EntityManager,
  schema: string,
  events: readonly AnyEnvelope[],
  jobs: readonly [string, string][],
): Promise<{ applied: Set<string>; removed: Set<string> }> {
  if (events.length === 0 && jobs.length === 0) return { applied: new Set(), removed: new Set() };
  const [onTimeline, removedRows] = await queryTogether(manager, [onTimelineStatement(schema, events), removedJobsStatement(schema, jobs)]);
  const applied = new Set(onTimeline.map((r) => r.id as string));
  const removed = new Set(removedRows.map((r) => jobKey(r.account_id as string, r.job_id as string)));
  return { applied, removed };
}

/**
 * A removed job leaves the read models: its timeline and records go with it (the log keeps
 * them), and a tombstone keeps out output that arrives later on its own topic.
 */
export async function forgetJob(manager: EntityManager, schema: string, accountId: string, jobId: string): Promise<void> {
  await manager.query(`INSERT INTO ${schema}.removed_jobs (account_id, job_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [accountId, jobId]);
  for (const table of ['jobs', 'job_output', 'job_history']) {
    const column = table === 'jobs' ? 'id' : 'job_id';
    await manager.query(`DELETE FROM ${schema}.${table} WHERE account_id = $1 AND ${column} = $2`, [accountId, jobId]);
  }
}
