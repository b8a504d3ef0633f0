import { Inject, Injectable } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { JobEventData } from '@jobledger/domain';
import type { AnyEnvelope } from '@jobledger/events';
import { JsonLogger, PLATFORM_CONFIG, sleep } from '@jobledger/platform';
import type { ExecutionConfig } from '../config';
import { createRunbookRunner } from '../runner';
import type { RunOutcome, RunbookRunner } from '../runner';
import { JobSpecStore } from '../specs/job-spec.store';
import type { JobSpec } from '../specs/job-spec.store';
import { JobEventWriter } from './job-event-writer';
import type { RunningJob } from './job-event-writer';

const SPEC_WAIT_MS = 30_000;

/** Runs the jobs assigned to this worker, each in its own sandboxed child process. */
@Injectable()
export class JobExecutor implements OnApplicationShutdown {
  private readonly runner: RunbookRunner;
  private readonly active = new Map<string, AbortController>();

  constructor(
    private readonly specs: JobSpecStore,
    private readonly writer: JobEventWriter,
    private readonly logger: JsonLogger,
    @Inject(PLATFORM_CONFIG) private readonly config: ExecutionConfig,
  ) {
    this.runner = createRunbookRunner({ warmProcesses: config.warmProcesses });
  }

  running(): string[] {
    return [...this.active.keys()];
  }

  /** Takes an assignment; the run goes on in the background so consumption is never blocked. */
  accept(assigned: AnyEnvelope): void {
    const key = `${assigned.accountId}/${assigned.jobId}`;
    if (this.active.has(key)) return;
    const abort = new AbortController();
    this.active.set(key, abort);
    void this.run(assigned, abort.signal)
      .catch((error: Error) => this.logger.error('job run failed inside the worker', { jobId: assigned.jobId, accountId: assigned.accountId, error: error.stack }))
      .finally(() => this.active.delete(key));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.close();
  }

  private async run(assigned: AnyEnvelope, signal: AbortSignal): Promise<void> {
    const jobId = assigned.jobId as string;
    const data = assigned.data as JobEventData<'JobAssigned'>;
    const log = this.logger.child({ jobId, accountId: assigned.accountId, correlationId: assigned.correlationId });
    const spec = await this.waitForSpec(assigned.accountId, jobId);
    if (!spec) {
      log.error('no submission or runbook source found for an assigned job', { waitedMs: SPEC_WAIT_MS });
      return;
    }
    const job = this.writer.open(
      assigned.accountId,
      jobId,
      [{ type: 'JobSubmitted', data: spec.submitted }, { type: 'JobAssigned', data }],
      assigned.correlationId,
    );
    await job.execute({ type: 'StartJob', data: { worker: this.config.workerId, at: new Date().toISOString() } });
    log.info('job started', { attempt: data.attempt, runbook: spec.submitted.runbook });
    const outcome = await this.runner.run(
      {
        jobId,
        accountId: assigned.accountId,
        attempt: data.attempt,
        runtime: spec.runtime,
        source: spec.source,
        parameters: spec.submitted.parameters,
        startSeq: 1,
        limits: this.config.limits,
      },
      {
        onRecords: (records) => job.publish([{ type: 'JobOutputRecorded', data: { attempt: data.attempt, records } }]),
        onCheckpoint: (state) => job.execute({ type: 'CheckpointJob', data: { checkpointId: randomUUID(), state, at: new Date().toISOString() } }),
      },
      signal,
    );
    await this.finish(job, outcome);
    log.info('job ended', { outcome: outcome.kind, records: outcome.records });
  }

  private async finish(job: RunningJob, outcome: RunOutcome): Promise<void> {
    const at = new Date().toISOString();
    switch (outcome.kind) {
      case 'completed':
        return job.execute({ type: 'CompleteJob', data: { result: outcome.result ?? null, outputRecords: outcome.records, at } });
      case 'failed':
        return job.execute({ type: 'FailJob', data: { reason: outcome.reason, at } });
      case 'stopped':
        return job.execute({ type: 'ConfirmStop', data: { at } });
      default: {
        const _exhaustive: never = outcome;
        throw new Error(`unknown outcome ${JSON.stringify(_exhaustive)}`);
      }
    }
  }

  private async waitForSpec(accountId: string, jobId: string): Promise<JobSpec | null> {
    const deadline = Date.now() + SPEC_WAIT_MS;
    for (;;) {
      const spec = await this.specs.find(accountId, jobId);
      if (spec || Date.now() > deadline) return spec;
      await sleep(50);
    }
  }
}
