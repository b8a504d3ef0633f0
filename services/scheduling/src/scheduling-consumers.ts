import { Inject, Injectable } from '@nestjs/common';
import { decodeCommand, topicNames } from '@jobledger/events';
import type { CommandEnvelope } from '@jobledger/events';
import { ManagedConsumer, OutboxRelay, PLATFORM_CONFIG } from '@jobledger/platform';
import type { PlatformConfig } from '@jobledger/platform';
import { Dispatcher } from './dispatch/dispatcher';
import { JobCommandsConsumer } from './jobs/job-commands.consumer';
import { WorkerRegistry } from './workers/worker-registry';

export const JOB_COMMANDS_CONSUMER = Symbol('JOB_COMMANDS_CONSUMER');
export const WORKER_EVENTS_CONSUMER = Symbol('WORKER_EVENTS_CONSUMER');

/**
 * Wires the two consumer groups to their handlers; each change wakes the dispatcher, and decided
 * commands wake the outbox relay, so their events (a job Completed, Started, Submitted) are
 * published at once instead of at the relay's next poll.
 */
@Injectable()
export class SchedulingConsumers {
  constructor(
    @Inject(JOB_COMMANDS_CONSUMER) jobCommands: ManagedConsumer,
    @Inject(WORKER_EVENTS_CONSUMER) workerEvents: ManagedConsumer,
    commands: JobCommandsConsumer,
    registry: WorkerRegistry,
    dispatcher: Dispatcher,
    relay: OutboxRelay,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    const topics = topicNames(config.topicPrefix);
    jobCommands.startWhenReady<CommandEnvelope>(
      'scheduling.commands',
      [topics.jobCommands],
      async (batch) => {
        await commands.apply(batch);
        relay.kick();
        dispatcher.kick();
      },
      { decode: decodeCommand },
    );
    workerEvents.startWhenReady('scheduling.workers', [topics.workerEvents], async (events) => {
      await registry.record(events);
      dispatcher.kick();
    });
  }
}
