import { Inject, Injectable } from '@nestjs/common';
import { topicNames } from '@jobledger/events';
import { ManagedConsumer, PLATFORM_CONFIG } from '@jobledger/platform';
import type { ExecutionConfig } from './config';
import { JobSpecStore, startSpecsProjection } from './specs/job-spec.store';
import { Heartbeat } from './worker/heartbeat';
import { JobExecutor } from './worker/job-executor';

export const SPECS_CONSUMER = Symbol('SPECS_CONSUMER');
export const ASSIGNMENTS_CONSUMER = Symbol('ASSIGNMENTS_CONSUMER');

/**
 * Two consumer groups: `execution.specs`, shared by all workers, projects submissions and
 * runbook sources; `execution.worker.<id>`, this worker's own, reads job events for the
 * assignments addressed to it, and for what happens to the jobs it runs. Its id is unique per process start and it reads from the
 * beginning, skipping assignments older than its own start, so no assignment made after the
 * worker announced itself can be missed.
 */
@Injectable()
export class ExecutionConsumers {
  constructor(
    @Inject(SPECS_CONSUMER) specsConsumer: ManagedConsumer,
    @Inject(ASSIGNMENTS_CONSUMER) assignments: ManagedConsumer,
    specs: JobSpecStore,
    executor: JobExecutor,
    heartbeat: Heartbeat,
    @Inject(PLATFORM_CONFIG) config: ExecutionConfig,
  ) {
    const topics = topicNames(config.topicPrefix);
    const startedAt = new Date().toISOString();
    startSpecsProjection(specsConsumer, specs, topics);
    assignments.startWhenReady(`execution.worker.${config.workerId}`, [topics.jobEvents], async (events) => {
      for (const { envelope, message } of events) {
        if (envelope.type !== 'JobAssigned') executor.observe(envelope);
        else if (envelope.occurredAt >= startedAt && (envelope.data as { worker: string }).worker === config.workerId) executor.accept(envelope, message);
      }
    });
    heartbeat.start(() => executor.running(), () => executor.fence());
  }
}
