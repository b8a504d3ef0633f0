import { Inject, Injectable } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { JobCommand, JobEventData } from '@jobledger/domain';
import type { AnyEnvelope } from '@jobledger/events';
import { JsonLogger, PLATFORM_CONFIG } from '@jobledger/platform';
import type { EventContext } from '@jobledger/platform';
import type { ExecutionConfig } from '../config';
import { createRunbookRunner } from '../runner';
import type { RunOutcome, RunbookRunner } from '../runner';
import { JobSpecStore } from '../specs/job-spec.store';
import type { JobSpec, LogPosition } from '../specs/job-spec.store';
import { waitForSpec } from '../specs/wait-for-spec';
import { ActiveRun } from './active-run';
import { JobEventWriter } from './job-event-writer';
import { outputBatches } from './output-batches';
import { PendingStart } from './pending-start';

const CHECKPOINT_CONFIRM_MS = 30_000;

/** Runs the jobs assigned to this worker, each in its own sandboxed child process. */
@Injectable()
export class JobExecutor implements OnApplicationShutdown {
  private readonly runner: RunbookRunner;
  private readonly active = new Map<string, ActiveRun>();

  constructor(
    private readonly specs: JobSpecStore,
    private readonly writer: JobEventWriter,
    private readonly logger: JsonLogger,
    @Inject(PLATFORM_CONFIG) private readonly config: ExecutionConfig,
  ) {
    this.runner = createRunbookRunner({
      warmProcesses: config.warmProcesses,
      maxJobsPerHost: config.maxJobsPerHost,
      keptHosts: config.workerSlots,
      runAs: config.runbookUser,
    });
    if (!config.runbookUser) {
      logger.warn('runbooks run as the worker\'s own user and could read its environment; run the worker as root or set JOBLEDGER_RUNBOOK_USER');
    }
  }

  running(): string[] {
    return [...new Set([...this.active.values()].map((run) => run.jobId))];
  }

  /**
   * Takes an assignment; the run goes on in the background so consumption is never blocked.
   * Runs are kept per attempt: a resumed job may be assigned here again while the process of
   * its previous attempt is still winding down.
   */
  accept(assigned: AnyEnvelope, at: LogPosition): void {
    const key = `${assigned.accountId}/${assigned.jobId}#${(assigned.data as JobEventData<'JobAssigned'>).attempt}`;
    if (this.active.has(key)) return;
    const run = new ActiveRun(assigned.accountId, assigned.jobId as string, false);
    this.active.set(key, run);
    void this.run(assigned, { topic: at.topic, partition: at.partition, offset: at.offset }, run)
      .catch((error: Error) => this.reportBroken(assigned, run, error))
      .finally(() => {
        run.start?.cancel();
        this.active.delete(key);
      });
  }

  /** Passes a later event of a job this worker runs to its runs (stop, suspend, checkpoints). */
  observe(event: AnyEnvelope): void {
    for (const run of this.active.values()) {
      if (run.jobId !== event.jobId || run.accountId !== event.accountId) continue;
      if (!run.observe(event)) continue;
      this.logger.info('runbook interrupted', { jobId: run.jobId, accountId: run.accountId, by: event.type });
      // The job ended, or left this worker, without it: its start is no longer news.
      if (run.interruption === 'ended' || run.interruption === 'released') run.start?.cancel();
    }
  }

  /**
   * Ends every run without a report: this worker could not heartbeat for most of the worker
   * timeout, so the scheduler will release its jobs to other workers. Ending them first means a
   * job never runs in two places.
   */
  fence(): void {
    for (const run of this.active.values()) if (run.release()) this.logger.warn('run fenced off: heartbeats failing', { jobId: run.jobId, accountId: run.accountId });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.close();
  }

  private async run(assigned: AnyEnvelope, assignedAt: LogPosition, run: ActiveRun): Promise<void> {
    const data = assigned.data as JobEventData<'JobAssigned'>;
    const log = this.logger.child({ jobId: run.jobId, accountId: run.accountId, correlationId: assigned.correlationId });
    const context = this.writer.contextFor(assigned.correlationId);
    const report = (command: JobCommand) => this.writer.report(run.accountId, run.jobId, command, context);
    const waited = await waitForSpec(this.specs, run.accountId, run.jobId, assignedAt, run.abort.signal, {
      firstAttempt: data.attempt === 1,
      onLagging: (waitedMs) => log.warn('waiting for the specs projection to reach this assignment', { waitedMs, assignedAt }),
    });
    if ('interrupted' in waited) {
      if (run.interruption === 'stop-requested') await report({ type: 'ConfirmStop', data: { at: now() } });
      return;
    }
    if ('missing' in waited) {
      log.error('no submission or runbook source found for an assigned job', { reason: waited.missing });
      await report({ type: 'FailJob', data: { reason: { message: `the worker found no runbook source for this job: ${waited.missing}`, type: 'MissingSource', source: 'system' }, at: now() } });
      return;
    }
    const { spec } = waited;
    run.hasCheckpoint = spec.lastCheckpoint !== null;
    const started = { worker: this.config.workerId, at: now() };
    const start = new PendingStart(started, () => report({ type: 'StartJob', data: started }), this.config.startReportDelayMs);
    run.start = start;
    log.info('job started', { attempt: data.attempt, runbook: spec.submitted.runbook, resumed: run.hasCheckpoint });
    const outcome = await this.runner.run(
      {
        jobId: run.jobId,
        accountId: run.accountId,
        attempt: data.attempt,
        runtime: spec.runtime,
        source: spec.source,
        parameters: spec.submitted.parameters,
        resumeState: spec.lastCheckpoint?.state,
        startSeq: spec.lastSeq + 1,
        limits: this.config.limits,
      },
      {
        onRecords: (records) =>
          this.writer.publish(
            outputBatches(records).map((batch) => ({ type: 'JobOutputRecorded', data: { attempt: data.attempt, records: batch } })),
            context,
            run.accountId,
            run.jobId,
          ),
        onCheckpoint: (state) => this.checkpoint(run, state, context),
      },
      run.abort.signal,
    );
    const ending = this.ending(run, spec, outcome);
    if (ending) await report(await start.withEnd(ending));
    log.info('job ended', { outcome: outcome.kind, interruption: run.interruption, records: outcome.records });
  }

  /**
   * The run broke inside the worker (not in the runbook): still say how the job ended, so it
   * never stays Running or Stopping with nobody running it.
   */
  private async reportBroken(assigned: AnyEnvelope, run: ActiveRun, error: Error): Promise<void> {
    this.logger.error('job run failed inside the worker', { jobId: run.jobId, accountId: run.accountId, error: error.stack });
    if (run.interruption === 'released' || run.interruption === 'ended') return;
    const command: JobCommand =
      run.interruption === 'stop-requested'
        ? { type: 'ConfirmStop', data: { at: now() } }
        : { type: 'FailJob', data: { reason: { message: `the worker failed running this job: ${error.message}`, type: 'WorkerError', source: 'system' }, at: now() } };
    // A start that could not be sent (what broke the run, perhaps) must not keep the end from being reported: it goes alone.
    await (run.start ? run.start.withEnd(command).catch(() => command) : Promise.resolve(command))
      .then((end) => this.writer.report(run.accountId, run.jobId, end, this.writer.contextFor(assigned.correlationId)))
      .catch((reportError: Error) => this.logger.error('could not report the end of a broken run', { jobId: run.jobId, accountId: run.accountId, error: reportError.message }));
  }

  private async checkpoint(run: ActiveRun, state: unknown, context: EventContext): Promise<void> {
    const checkpointId = randomUUID();
    try {
      // The start goes first: a checkpoint is only taken from a Running job.
      await run.checkpoint(checkpointId, CHECKPOINT_CONFIRM_MS, async () => {
        await run.start?.send();
        await this.writer.report(run.accountId, run.jobId, { type: 'CheckpointJob', data: { checkpointId, state, at: now() } }, context);
      });
    } catch (error) {
      // Interrupted (stop, suspend, release) while the checkpoint was on its way: the runner is
      // ending the process already, and the run must still report how it ended.
      if (run.interruption) return;
      throw error;
    }
  }

  /** What to report when the runbook process has ended; nothing when the job already ended. */
  private ending(run: ActiveRun, spec: JobSpec, outcome: RunOutcome): JobCommand | null {
    const at = now();
    if (run.interruption === 'released' || run.interruption === 'ended') return null;
    // A worker shutting down reports nothing: the scheduler releases its jobs to other workers.
    if (outcome.kind === 'failed' && outcome.reason.type === 'WorkerShutdown') return null;
    switch (outcome.kind) {
      case 'completed':
        return { type: 'CompleteJob', data: { result: outcome.result ?? null, outputRecords: outcome.records, at } };
      case 'stopped':
        return { type: 'ConfirmStop', data: { at } };
      case 'failed':
        // errorAction "stop" suspends a job that can resume from a checkpoint (SPEC §2).
        if (spec.submitted.errorAction === 'stop' && run.hasCheckpoint) return { type: 'ConfirmSuspend', data: { reason: outcome.reason, at } };
        return { type: 'FailJob', data: { reason: outcome.reason, at } };
      default: {
        const _exhaustive: never = outcome;
        throw new Error(`unknown outcome ${JSON.stringify(_exhaustive)}`);
      }
    }
  }
}

function now(): string {
  return new Date().toISOString();
}
