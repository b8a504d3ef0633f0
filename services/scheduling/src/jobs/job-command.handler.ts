import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { decide, evolve, initialState, isFinalStatus, isRecordableRefusal, recordRefusal, refusableRequestOf } from '@jobledger/domain';
import { DomainError } from '@jobledger/domain';
import type { JobCommand, JobEvent, JobEventData, JobState } from '@jobledger/domain';
import { WORKER_GROUP_DEFAULTS, evolveJobView, topicNames } from '@jobledger/events';
import type { EventEnvelope, JobView } from '@jobledger/events';
import type { OutboundMessage } from '@jobledger/kafka';
import { PLATFORM_CONFIG, claimEvent, claimEventsStatement, combineStatements, guardedWrite, seenEventsStatement, jobKey, outboxInsert, pgArray, queryTogether, quoteIdent, rowsByKey, serviceSchema, stampEvents, toOutbound } from '@jobledger/platform';
import type { GuardedPart, SqlStatement } from '@jobledger/platform';
import type { EventContext, PlatformConfig } from '@jobledger/platform';

export interface CommandSource {
  /** The command's id when it came from outside (drops redelivered commands); none for our own. */
  id?: string;
  context: EventContext;
}

/** A command from the job-commands topic, with the id that makes its redelivery a no-op. */
export interface LoggedCommand {
  accountId: string;
  jobId: string;
  command: JobCommand;
  source: CommandSource & { id: string };
}

/** What became of each command of a batch. */
export type BatchOutcome = { kind: 'applied' } | { kind: 'duplicate' } | { kind: 'refused'; error: DomainError; recorded: boolean };

export interface CommandResult {
  state: JobState;
  view: JobView | null;
  events: EventEnvelope[];
  /** The command was applied before: nothing changed. */
  duplicate: boolean;
}

/**
 * The single writer of every job's lifecycle. Each command is decided on the job's state with
 * its row locked for the transaction (the expected-revision check of an event store), and the
 * new state and the resulting events commit together (the events through the outbox). So two
 * writers never race on one job: requests, worker reports and the dispatcher's assignments
 * are serialised per job, and each is applied or refused on the true state.
 */
@Injectable()
export class JobCommandHandler {
  readonly schema: string;
  /** Batches written without a transaction, and those written in one after that failed (a lost race). */
  readonly batches = { unlocked: 0, locked: 0 };

  constructor(
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {
    this.schema = quoteIdent(serviceSchema(config));
  }

  run(accountId: string, jobId: string, command: JobCommand, source: CommandSource): Promise<CommandResult> {
    return this.dataSource.transaction((manager) => this.execute(manager, accountId, jobId, command, source));
  }

  /** Decides and applies one command inside the caller's transaction. Throws the domain's refusal. */
  async execute(manager: EntityManager, accountId: string, jobId: string, command: JobCommand, source: CommandSource): Promise<CommandResult> {
    const current = await this.load(manager, accountId, jobId);
    if (source.id && !(await claimEvent(manager, this.schema, source.id))) return { ...current, events: [], duplicate: true };
    const decided = await this.decide(manager, command, current);
    return this.persist(manager, accountId, jobId, decided.current, decided.events, source, submittedBy(command));
  }

  /**
   * Records a refused user request on the job's stream (SPEC §2: a request is applied or
   * refused, never lost). Other refusals (a late report of a worker) are not recorded.
   */
  async recordRefusal(accountId: string, jobId: string, command: JobCommand, error: unknown, source: CommandSource): Promise<boolean> {
    if (!refusableRequestOf(command) || !isRecordableRefusal(error)) return false; // no transaction for what is never recorded
    return this.dataSource.transaction(async (manager) => {
      const current = await this.load(manager, accountId, jobId);
      const refusal = refusalToRecord(command, error, current);
      if (!refusal || (source.id && !(await claimEvent(manager, this.schema, source.id)))) return false;
      await this.persist(manager, accountId, jobId, current, [refusal], source, null);
      return true;
    });
  }

  /**
   * Decides a batch of logged commands as if each ran alone in log order: every command is decided
   * on its job's state as the commands before it left it, and the rows and the events are written
   * with one statement. A refused request is recorded on its job's stream as `recordRefusal` does;
   * anything but a refusal fails the whole batch (the consumer then retries it command by command).
   *
   * First without a transaction: one statement reads the jobs and which commands were applied
   * before, and one writes — guarded: each job's row only where its revision is still the one read,
   * each new job only where no row exists yet, each command's id only where no one claimed it
   * meanwhile; if any guard fails, the statement fails whole and nothing is written. Then (a lost race,
   * or any other failure) in a transaction that locks the batch's jobs, as before.
   */
  async runBatch(commands: readonly LoggedCommand[]): Promise<BatchOutcome[]> {
    if (commands.length === 0) return [];
    const unlocked = await this.runBatchUnlocked(commands).catch(() => null);
    if (unlocked) {
      this.batches.unlocked++;
      return unlocked;
    }
    this.batches.locked++;
    return this.runBatchLocked(commands);
  }

  private async runBatchUnlocked(commands: readonly LoggedCommand[]): Promise<BatchOutcome[]> {
    const manager = this.dataSource.manager;
    const ids = commands.map((c) => c.source.id);
    const [jobRows, seenRows] = await queryTogether(manager, [this.readMany(commands, false), seenEventsStatement(this.schema, ids)]);
    const jobs = loadedJobs(jobRows as unknown as JobRowRead[]);
    const seen = new Set(seenRows.map((r) => r.id as string));
    const fresh = new Set(ids.map((id) => id.toLowerCase()).filter((id) => !seen.has(id)));
    const read = new Map([...jobs].map(([key, job]) => [key, job.state.revision]));
    const { outcomes, batch } = await this.decideBatch(manager, commands, jobs, new Set(fresh));
    await batch.writeGuarded(manager, read, [...fresh]);
    return outcomes;
  }

  private runBatchLocked(commands: readonly LoggedCommand[]): Promise<BatchOutcome[]> {
    return this.dataSource.transaction(async (manager) => {
      // One round trip: lock the batch's jobs and claim its commands.
      const [jobRows, claimedRows] = await queryTogether(manager, [this.readMany(commands, true), claimEventsStatement(this.schema, commands.map((c) => c.source.id))]);
      const jobs = loadedJobs(jobRows as unknown as JobRowRead[]);
      const { outcomes, batch } = await this.decideBatch(manager, commands, jobs, new Set(claimedRows.map((r) => r.id as string)));
      await batch.write(manager);
      return outcomes;
    });
  }

  /** The batch's commands decided in order on the jobs given; `claimed` (lower-case ids, used up here): the commands not applied before. */
  private async decideBatch(manager: EntityManager, commands: readonly LoggedCommand[], jobs: Map<string, LoadedJob>, claimed: Set<string>) {
    const batch = this.batchWrites(jobs);
    const outcomes: BatchOutcome[] = [];
    for (const c of commands) {
      if (!claimed.delete(c.source.id.toLowerCase())) {
        outcomes.push({ kind: 'duplicate' });
        continue;
      }
      const current = jobs.get(jobKey(c.accountId, c.jobId)) ?? NO_JOB;
      try {
        const decided = await this.decide(manager, c.command, current);
        batch.stage(c, decided.current, decided.events);
        outcomes.push({ kind: 'applied' });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const refusal = refusalToRecord(c.command, error, current);
        if (refusal) batch.stage(c, current, [refusal]);
        outcomes.push({ kind: 'refused', error, recorded: refusal !== null });
      }
    }
    return { outcomes, batch };
  }

  /**
   * The dispatcher's decisions of one round, inside its transaction, as `execute` one after another
   * would apply them: the jobs locked with one statement, each command decided on its job's state as
   * the ones before it left it, the rows and events written with one statement. A command the job's
   * true state refuses (it changed since the round read it, e.g. a stop came in) is skipped.
   * Returns how many events were written.
   */
  async executeMany(manager: EntityManager, commands: readonly Omit<LoggedCommand, 'source'>[], source: (jobId: string) => CommandSource): Promise<number> {
    if (commands.length === 0) return 0;
    const batch = this.batchWrites(await this.loadMany(manager, commands));
    for (const c of commands) {
      const current = batch.jobs.get(jobKey(c.accountId, c.jobId)) ?? NO_JOB;
      try {
        const decided = await this.decide(manager, c.command, current);
        batch.stage({ ...c, source: source(c.jobId) }, decided.current, decided.events);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
      }
    }
    await batch.write(manager);
    return batch.outbox.length;
  }

  /** Rows and events of a batch of commands, staged in memory; `jobs` follows each job's state through the batch. */
  private batchWrites(jobs: Map<string, LoadedJob>) {
    const writes = new Map<string, JobRowWrite>();
    const outbox: OutboundMessage[] = [];
    return {
      jobs,
      outbox,
      stage: (c: Omit<LoggedCommand, 'source'> & { source: CommandSource }, current: LoadedJob, events: JobEvent[]) => {
        const key = jobKey(c.accountId, c.jobId);
        const staged = this.stage(c.accountId, c.jobId, current, events, c.source, submittedBy(c.command));
        // A row first written in this batch keeps its first insert values, as consecutive upserts would.
        const earlier = writes.get(key);
        writes.set(key, earlier ? { ...staged.row, runOn: earlier.runOn, priority: earlier.priority, submittedAt: earlier.submittedAt } : staged.row);
        jobs.set(key, { state: staged.result.state, view: staged.result.view, removeWhenFinal: staged.row.removeWhenFinal, runningSince: staged.row.runningSince });
        outbox.push(...staged.outbound);
      },
      write: (manager: EntityManager) => this.write(manager, [...writes.values()], outbox),
      writeGuarded: (manager: EntityManager, read: Map<string, number>, claims: string[]) => this.writeGuarded(manager, [...writes.values()], outbox, read, claims),
    };
  }

  /**
   * `write` as one statement outside a transaction, all or nothing: rows of jobs that existed are
   * updated only at the revision they were read at (`read`, by job key), rows of new jobs inserted
   * only where none exists, and the claims (lower-case command ids) inserted only where none is;
   * when anything was not written, a division by zero fails the whole statement.
   */
  private async writeGuarded(manager: EntityManager, rows: JobRowWrite[], outbound: OutboundMessage[], read: Map<string, number>, claims: string[]): Promise<void> {
    const key = (r: JobRowWrite) => jobKey(r.accountId, r.jobId);
    // In key order, as lockMany locks: two writers never wait on each other in a cycle.
    const existing = rows.filter((r) => read.has(key(r))).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    const created = rows.filter((r) => !read.has(key(r)));
    // Each part with the rows it must write; the outbox's insert has no guard (it writes every row it is given).
    const parts: GuardedPart[] = [];
    if (claims.length > 0) {
      parts.push({ statement: { sql: `INSERT INTO ${this.schema}.inbox (event_id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING RETURNING 1`, params: [pgArray(claims)] }, rows: claims.length });
    }
    if (existing.length > 0) {
      parts.push({
        statement: {
          sql: `UPDATE ${this.schema}.jobs AS t SET status = u.st, worker = u.w, state = u.s::jsonb, view = u.v::jsonb, running_since = u.rs, remove_when_final = u.rwf
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::boolean[], $9::int[]) AS u(a, j, st, w, s, v, rs, rwf, rev)
           WHERE t.account_id = u.a AND t.job_id = u.j AND (t.state->>'revision')::int = u.rev RETURNING 1`,
          params: [
            ...keyColumns(existing),
            ...changingColumns(existing),
            pgArray(existing.map((r) => read.get(key(r)) as number)),
          ],
        },
        rows: existing.length,
      });
    }
    if (created.length > 0) parts.push({ statement: this.insertStatement(created, 'ON CONFLICT DO NOTHING RETURNING 1'), rows: created.length });
    const events = outboxInsert(this.schema, outbound);
    if (events) parts.push({ statement: events });
    const { sql, params } = guardedWrite(parts);
    await manager.query(sql, params);
  }

  private async load(manager: EntityManager, accountId: string, jobId: string): Promise<LoadedJob> {
    return (await this.loadMany(manager, [{ accountId, jobId }])).get(jobKey(accountId, jobId)) ?? NO_JOB;
  }

  /** The jobs' rows, locked for the transaction, in one statement. */
  private async loadMany(manager: EntityManager, jobs: readonly { accountId: string; jobId: string }[]): Promise<Map<string, LoadedJob>> {
    const { sql, params } = this.readMany(jobs, true);
    return loadedJobs(await manager.query(sql, params));
  }

  /** The statement that reads the jobs' rows, and with `lock` locks them for the transaction, in key order (two batches never wait on each other in a cycle). */
  private readMany(jobs: readonly { accountId: string; jobId: string }[], lock: boolean): SqlStatement {
    return rowsByKey({
      table: `${this.schema}.jobs`,
      key: [['account_id', 'text'], ['job_id', 'text']],
      keys: jobs.map((j) => [j.accountId, j.jobId]),
      columns: 'account_id, job_id, state, view, remove_when_final, running_since::text AS running_since',
      forUpdate: lock,
    });
  }

  private async persist(
    manager: EntityManager,
    accountId: string,
    jobId: string,
    current: LoadedJob,
    events: JobEvent[],
    source: CommandSource,
    submitted: JobEventData<'JobSubmitted'> | null,
  ): Promise<CommandResult> {
    const staged = this.stage(accountId, jobId, current, events, source, submitted);
    await this.write(manager, [staged.row], staged.outbound);
    return staged.result;
  }

  /** The job's row and events after the given events: nothing written yet. */
  private stage(
    accountId: string,
    jobId: string,
    current: LoadedJob,
    events: JobEvent[],
    source: CommandSource,
    submitted: JobEventData<'JobSubmitted'> | null,
  ): { row: JobRowWrite; outbound: OutboundMessage[]; result: CommandResult } {
    let { state, view } = current;
    for (const event of events) ({ state, view } = evolveJobView(view, state, event, (event.data as { at: string }).at));
    // running_since: when this attempt started running, kept while it runs (fair share measures from it).
    const startedAt = events.find((e) => e.type === 'JobStarted')?.data.at ?? null;
    const row: JobRowWrite = {
      accountId, jobId, status: state.status, runOn: submitted?.runOn ?? state.runOn, priority: submitted?.priority ?? 0, submittedAt: submitted?.at ?? new Date().toISOString(),
      worker: state.worker, state, view, runningSince: state.status === 'Running' ? (startedAt ?? current.runningSince) : null, removeWhenFinal: current.removeWhenFinal,
    };
    const envelopes = stampEvents(events, source.context, accountId, jobId);
    return { row, outbound: envelopes.map((e) => toOutbound(e, topicNames(this.config.topicPrefix))), result: { state, view, events: envelopes, duplicate: false } };
  }

  /**
   * Upserts the rows (run_on, priority and submitted_at are set when a row is created) and appends
   * the events to the outbox: one statement, one round trip.
   */
  private async write(manager: EntityManager, rows: JobRowWrite[], outbound: OutboundMessage[]): Promise<void> {
    const statements: SqlStatement[] = [];
    if (rows.length > 0) statements.push(this.upsertStatement(rows));
    const events = outboxInsert(this.schema, outbound);
    if (events) statements.push(events);
    if (statements.length === 0) return;
    const { sql, params } = combineStatements(statements);
    await manager.query(sql, params);
  }

  private upsertStatement(rows: JobRowWrite[]): SqlStatement {
    return this.insertStatement(
      rows,
      `ON CONFLICT (account_id, job_id) DO UPDATE SET status = EXCLUDED.status, worker = EXCLUDED.worker, state = EXCLUDED.state, view = EXCLUDED.view,
         running_since = EXCLUDED.running_since, remove_when_final = EXCLUDED.remove_when_final`,
    );
  }

  /** Inserts the rows (run_on, priority and submitted_at only here: they are set when a row is created), then `onConflict`. */
  private insertStatement(rows: JobRowWrite[], onConflict: string): SqlStatement {
    return {
      sql: `INSERT INTO ${this.schema}.jobs (account_id, job_id, run_on, priority, submitted_at, status, worker, state, view, running_since, remove_when_final)
       SELECT a, j, ro, p, sa, st, w, s::jsonb, v::jsonb, rs, rwf
       FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::timestamptz[], $6::text[], $7::text[], $8::text[], $9::text[], $10::timestamptz[], $11::boolean[])
         AS u(a, j, ro, p, sa, st, w, s, v, rs, rwf)
       ${onConflict}`,
      params: [
        ...keyColumns(rows),
        ...[rows.map((r) => r.runOn), rows.map((r) => r.priority), rows.map((r) => r.submittedAt)].map(pgArray),
        ...changingColumns(rows),
      ],
    };
  }

  /** The command decided on the job's state: its events, and the job with its pending forced remove. Throws the domain's refusal. */
  private async decide(manager: EntityManager, command: JobCommand, current: LoadedJob): Promise<{ current: LoadedJob; events: JobEvent[] }> {
    const decided = decideWithRemoval(await this.withGroupSettings(manager, command, current.state), current);
    return { current: { ...current, removeWhenFinal: decided.removeWhenFinal }, events: decided.events };
  }

  /** A stop (or forced remove) depends on whether the job's worker group can cancel running jobs. */
  private async withGroupSettings(manager: EntityManager, command: JobCommand, state: JobState): Promise<JobCommand> {
    if (command.type !== 'RequestStop' && command.type !== 'RemoveJob') return command;
    const group = state.workerGroup ?? state.runOn;
    if (group === null) return command;
    const [settings] = await manager.query(`SELECT cancel_while_running FROM ${this.schema}.worker_groups WHERE name = $1`, [group]);
    const cancelWhileRunning: boolean = settings?.cancel_while_running ?? WORKER_GROUP_DEFAULTS.cancelWhileRunning;
    return { ...command, data: { ...command.data, cancelWhileRunning } } as JobCommand;
  }
}

interface LoadedJob {
  state: JobState;
  view: JobView | null;
  /** A forced remove is waiting for the job to be final. */
  removeWhenFinal: boolean;
  /** When the running attempt started (text, as Postgres wrote it); null unless Running. */
  runningSince: string | null;
}

const NO_JOB: LoadedJob = { state: initialState(), view: null, removeWhenFinal: false, runningSince: null };

/** A job's row in the scheduling schema, as the handler writes it. */
interface JobRowWrite {
  accountId: string;
  jobId: string;
  status: string | null;
  runOn: string | null;
  priority: number;
  submittedAt: string;
  worker: string | null;
  state: JobState;
  view: JobView | null;
  runningSince: string | null;
  removeWhenFinal: boolean;
}

/** account_id, job_id: as `unnest` parameters. */
function keyColumns(rows: JobRowWrite[]): string[] {
  return [rows.map((r) => r.accountId), rows.map((r) => r.jobId)].map(pgArray);
}

/** What a command changes in a job's row — status, worker, state, view, running_since, remove_when_final — as `unnest` parameters. */
function changingColumns(rows: JobRowWrite[]): string[] {
  return [
    rows.map((r) => r.status),
    rows.map((r) => r.worker),
    rows.map((r) => JSON.stringify(r.state)),
    rows.map((r) => JSON.stringify(r.view)),
    rows.map((r) => r.runningSince),
    rows.map((r) => String(r.removeWhenFinal)),
  ].map(pgArray);
}

function submittedBy(command: JobCommand): JobEventData<'JobSubmitted'> | null {
  return command.type === 'SubmitJob' ? command.data : null;
}

/** The JobRequestRefused event to record for a refused command, or null (not a recordable request, or no such job). */
function refusalToRecord(command: JobCommand, error: unknown, current: LoadedJob): JobEvent | null {
  const request = refusableRequestOf(command);
  if (!request || !isRecordableRefusal(error) || !current.view) return null;
  return recordRefusal(request, error, command.data.at);
}

/** Where a forced remove has to wait for a running process to end. */
const REMOVE_AFTER_STOP_FROM: readonly string[] = ['Running', 'Suspending', 'Stopping'];

/**
 * `decide`, plus the one rule that spans commands: a forced remove of a job with a running
 * process stops it (SPEC §2: "force stops it first") and removes it in the same transaction
 * that makes it final, whichever command that is.
 */
function decideWithRemoval(command: JobCommand, current: LoadedJob): { events: JobEvent[]; removeWhenFinal: boolean } {
  let removeWhenFinal = current.removeWhenFinal;
  let events: JobEvent[];
  if (command.type === 'RemoveJob' && command.data.force && REMOVE_AFTER_STOP_FROM.includes(current.state.status ?? '')) {
    const { at, cancelWhileRunning } = command.data;
    events = current.state.status === 'Stopping' ? [] : decide({ type: 'RequestStop', data: { at, cancelWhileRunning } }, current.state);
    removeWhenFinal = true;
  } else {
    events = decide(command, current.state);
  }
  const after = events.reduce(evolve, current.state);
  if (removeWhenFinal && after.status !== null && isFinalStatus(after.status) && !after.removed) {
    events = [...events, ...decide({ type: 'RemoveJob', data: { force: true, at: command.data.at } }, after)];
  }
  return { events, removeWhenFinal };
}

interface JobRowRead {
  account_id: string;
  job_id: string;
  state: JobState;
  view: JobView;
  remove_when_final: boolean;
  running_since: string | null;
}

function loadedJobs(rows: JobRowRead[]): Map<string, LoadedJob> {
  return new Map(rows.map((r) => [jobKey(r.account_id, r.job_id), { state: r.state, view: r.view, removeWhenFinal: r.remove_when_final, runningSince: r.running_since }]));
}
