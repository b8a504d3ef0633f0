import { Inject, Injectable } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import type { JobCommand } from '@jobledger/domain';
import { Infrastructure, JsonLogger, OutboxRelay, PLATFORM_CONFIG, Wakeup, pgArray, sleep } from '@jobledger/platform';
import type { SchedulingConfig } from '../config';
import { JobCommandHandler } from '../jobs/job-command.handler';
import { planDispatch } from './plan-dispatch';
import type { WaitingJob } from './plan-dispatch';
import { readRoundState } from './round-state';

const BATCH = 200;

/**
 * Assigns waiting jobs to live workers. One dispatcher at a time holds the lock, across all
 * replicas, and each assignment is applied to the job's state in the same transaction that
 * writes its JobAssigned event to the outbox: a job is never assigned twice.
 * Order: round robin across accounts (each account's best job first), then priority, then age.
 * Each round first unloads the jobs that reached their group's fair-share limit and releases
 * the jobs of lost workers.
 */
@Injectable()
export class Dispatcher implements OnApplicationShutdown {
  private running = true;
  private readonly startedAt = Date.now();
  /** A kick during a round (a job ended, one was submitted) makes the next round start at once. */
  private readonly wakeup = new Wakeup();

  constructor(
    private readonly dataSource: DataSource,
    private readonly handler: JobCommandHandler,
    private readonly relay: OutboxRelay,
    private readonly logger: JsonLogger,
    infra: Infrastructure,
    @Inject(PLATFORM_CONFIG) private readonly config: SchedulingConfig,
  ) {
    void infra.whenReady().then(() => this.loop());
  }

  kick(): void {
    this.wakeup.kick();
  }

  onApplicationShutdown(): void {
    this.running = false;
    this.kick();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      this.wakeup.take();
      try {
        const emitted = await this.dataSource.transaction((manager) => this.dispatch(manager));
        if (emitted > 0) this.relay.kick();
      } catch (error) {
        this.logger.warn('dispatch failed; will retry', { error: (error as Error).message });
        await sleep(500);
      }
      await this.wakeup.sleep(this.config.dispatchIntervalMs);
    }
  }

  private async dispatch(manager: EntityManager): Promise<number> {
    const s = this.handler.schema;
    const [{ locked }] = await manager.query(`SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked`, [`${s}.dispatch`]);
    if (!locked) return 0;
    // Only once the scheduler has been up for a worker timeout has it heard every live worker.
    const heardEveryWorker = Date.now() - this.startedAt > this.config.workerTimeoutMs;
    const { workers, waiting, overdue, orphaned, active } = await readRoundState(manager, s, { workerTimeoutMs: this.config.workerTimeoutMs, limit: BATCH, orphans: heardEveryWorker });
    const at = new Date().toISOString();
    // The round's commands, decided together in this transaction (executeMany): as if one after another, in this order.
    const commands: { accountId: string; jobId: string; command: JobCommand }[] = [];
    const add = (job: { account_id: string; job_id: string }, command: JobCommand) => commands.push({ accountId: job.account_id, jobId: job.job_id, command });
    for (const job of overdue) add(job, { type: 'UnloadJob', data: { at } });
    for (const job of orphaned) add(job, { type: 'ReleaseJob', data: { worker: job.worker, at } });
    const limits = { accountConcurrency: this.config.accountConcurrency, mayFailPinned: heardEveryWorker };
    const waits: { job: WaitingJob; reason: string }[] = [];
    for (const decision of planDispatch(waiting, workers, active, limits)) {
      const { job } = decision;
      if (decision.kind === 'assign') {
        add(job, { type: 'AssignJob', data: { worker: decision.worker.workerId, workerGroup: decision.worker.group, at } });
      } else if (decision.kind === 'fail') {
        add(job, { type: 'FailJob', data: { reason: decision.reason, at } });
      } else {
        waits.push({ job, reason: decision.reason.message });
        add(job, { type: 'QueueJob', data: { reason: decision.reason, at } });
      }
    }
    // A command the job's true state refuses (it changed since it was read, e.g. a stop came in) is skipped.
    const emitted = await this.handler.executeMany(manager, commands, (jobId) => ({
      context: { actor: { kind: 'service' as const, id: 'scheduling' }, correlationId: jobId, causationId: jobId },
    }));
    // After executeMany, which locked the round's jobs in key order: this update takes no lock of its own in another order.
    if (waits.length > 0) {
      await manager.query(
        `UPDATE ${s}.jobs AS j SET wait_reason = u.reason FROM unnest($1::text[], $2::text[], $3::text[]) AS u(account_id, job_id, reason)
          WHERE j.account_id = u.account_id AND j.job_id = u.job_id`,
        [pgArray(waits.map((w) => w.job.account_id)), pgArray(waits.map((w) => w.job.job_id)), pgArray(waits.map((w) => w.reason))],
      );
    }
    return emitted;
  }
}
