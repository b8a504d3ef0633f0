import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { decide, evolve, initialState, isFinalStatus, isRecordableRefusal, recordRefusal, refusableRequestOf } from '@jobledger/domain';
import type { JobCommand, JobEvent, JobEventData, JobState } from '@jobledger/domain';
import { WORKER_GROUP_DEFAULTS, evolveJobView, topicNames } from '@jobledger/events';
import type { EventEnvelope, JobView } from '@jobledger/events';
import { PLATFORM_CONFIG, appendToOutbox, claimEvent, quoteIdent, serviceSchema, stampEvents, toOutbound } from '@jobledger/platform';
import type { EventContext, PlatformConfig } from '@jobledger/platform';

export interface CommandSource {
  /** The command's id when it came from outside (drops redelivered commands); none for our own. */
  id?: string;
  context: EventContext;
}

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
    const decided = decideWithRemoval(await this.withGroupSettings(manager, command, current.state), current);
    return this.persist(manager, accountId, jobId, { ...current, removeWhenFinal: decided.removeWhenFinal }, decided.events, source, command.type === 'SubmitJob' ? command.data : null);
  }

  /**
   * Records a refused user request on the job's stream (SPEC §2: a request is applied or
   * refused, never lost). Other refusals (a late report of a worker) are not recorded.
   */
  async recordRefusal(accountId: string, jobId: string, command: JobCommand, error: unknown, source: CommandSource): Promise<boolean> {
    const request = refusableRequestOf(command);
    if (!request || !isRecordableRefusal(error)) return false;
    return this.dataSource.transaction(async (manager) => {
      const current = await this.load(manager, accountId, jobId);
      if (!current.view || (source.id && !(await claimEvent(manager, this.schema, source.id)))) return false;
      await this.persist(manager, accountId, jobId, current, [recordRefusal(request, error, command.data.at)], source, null);
      return true;
    });
  }

  private async load(manager: EntityManager, accountId: string, jobId: string): Promise<LoadedJob> {
    const [row] = await manager.query(`SELECT state, view, remove_when_final FROM ${this.schema}.jobs WHERE account_id = $1 AND job_id = $2 FOR UPDATE`, [
      accountId,
      jobId,
    ]);
    return { state: row?.state ?? initialState(), view: row?.view ?? null, removeWhenFinal: row?.remove_when_final ?? false };
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
    let { state, view } = current;
    for (const event of events) ({ state, view } = evolveJobView(view, state, event, (event.data as { at: string }).at));
    // running_since: when this attempt started running, kept while it runs (fair share measures from it).
    const startedAt = events.find((e) => e.type === 'JobStarted')?.data.at ?? null;
    await manager.query(
      `INSERT INTO ${this.schema}.jobs (account_id, job_id, status, run_on, priority, submitted_at, worker, state, view, running_since, remove_when_final)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (account_id, job_id) DO UPDATE SET status = EXCLUDED.status, worker = EXCLUDED.worker, state = EXCLUDED.state, view = EXCLUDED.view,
         running_since = CASE WHEN EXCLUDED.status = 'Running' THEN COALESCE(EXCLUDED.running_since, ${this.schema}.jobs.running_since) END,
         remove_when_final = EXCLUDED.remove_when_final`,
      [
        accountId, jobId, state.status, submitted?.runOn ?? state.runOn, submitted?.priority ?? 0, submitted?.at ?? new Date().toISOString(),
        state.worker, JSON.stringify(state), JSON.stringify(view), state.status === 'Running' ? startedAt : null, current.removeWhenFinal,
      ],
    );
    const envelopes = stampEvents(events, source.context, accountId, jobId);
    await appendToOutbox(manager, this.schema, envelopes.map((e) => toOutbound(e, topicNames(this.config.topicPrefix))));
    return { state, view, events: envelopes, duplicate: false };
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
