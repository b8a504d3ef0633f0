import { Inject, Injectable } from '@nestjs/common';
import { topicNames } from '@jobledger/events';
import { ManagedConsumer, PLATFORM_CONFIG } from '@jobledger/platform';
import type { PlatformConfig } from '@jobledger/platform';
import { Dispatcher } from './dispatch/dispatcher';
import { JobStateProjector } from './jobs/job-state.projector';
import { WorkerRegistry } from './workers/worker-registry';

export const JOB_EVENTS_CONSUMER = Symbol('JOB_EVENTS_CONSUMER');
export const WORKER_EVENTS_CONSUMER = Symbol('WORKER_EVENTS_CONSUMER');

/** Wires the two consumer groups to their handlers; each change wakes the dispatcher. */
@Injectable()
export class SchedulingConsumers {
  constructor(
    @Inject(JOB_EVENTS_CONSUMER) jobEvents: ManagedConsumer,
    @Inject(WORKER_EVENTS_CONSUMER) workerEvents: ManagedConsumer,
    projector: JobStateProjector,
    registry: WorkerRegistry,
    dispatcher: Dispatcher,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    const topics = topicNames(config.topicPrefix);
    jobEvents.startWhenReady('scheduling.jobs', [topics.jobEvents], async (events) => {
      await projector.project(events);
      dispatcher.kick();
    });
    workerEvents.startWhenReady('scheduling.workers', [topics.workerEvents], async (events) => {
      await registry.record(events);
      dispatcher.kick();
    });
  }
}
