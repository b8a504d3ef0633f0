import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { decide, initialState, isRecordableRefusal, recordRefusal, refusableRequestOf } from '@jobledger/domain';
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
    const events = decide(await this.withGroupSettings(manager, command, current.state), current.state);
    return this.persist(manager, accountId, jobId, current, events, source, command.type === 'SubmitJob' ? command.data : null);
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

  private async load(manager: EntityManager, accountId: string, jobId: string): Promise<{ state: JobState; view: JobView | null }> {
    const [row] = await manager.query(`SELECT state, view FROM ${this.schema}.jobs WHERE account_id = $1 AND job_id = $2 FOR UPDATE`, [accountId, jobId]);
    return { state: row?.state ?? initialState(), view: row?.view ?? null };
  }

  private async persist(
    manager: EntityManager,
    accountId: string,
    jobId: string,
    current: { state: JobState; view: JobView | null },
    events: JobEvent[],
    source: CommandSource,
    submitted: JobEventData<'JobSubmitted'> | null,
  ): Promise<CommandResult> {
    let { state, view } = current;
    for (const event of events) ({ state, view } = evolveJobView(view, state, event, (event.data as { at: string }).at));
    // running_since: when this attempt started running, kept while it runs (fair share measures from it).
    const startedAt = events.find((e) => e.type === 'JobStarted')?.data.at ?? null;
    await manager.query(
      `INSERT INTO ${this.schema}.jobs (account_id, job_id, status, run_on, priority, submitted_at, worker, state, view, running_since)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (account_id, job_id) DO UPDATE SET status = EXCLUDED.status, worker = EXCLUDED.worker, state = EXCLUDED.state, view = EXCLUDED.view,
         running_since = CASE WHEN EXCLUDED.status = 'Running' THEN COALESCE(EXCLUDED.running_since, ${this.schema}.jobs.running_since) END`,
      [
        accountId, jobId, state.status, submitted?.runOn ?? state.runOn, submitted?.priority ?? 0, submitted?.at ?? new Date().toISOString(),
        state.worker, JSON.stringify(state), JSON.stringify(view), state.status === 'Running' ? startedAt : null,
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
