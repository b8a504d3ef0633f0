import { Inject, Injectable } from '@nestjs/common';
import { decodeCommand, topicNames } from '@jobledger/events';
import type { CommandEnvelope } from '@jobledger/events';
import { ManagedConsumer, OutboxRelay, PLATFORM_CONFIG } from '@jobledger/platform';
import type { PlatformConfig } from '@jobledger/platform';
import { Dispatcher } from './dispatch/dispatcher';
import { JobCommandsConsumer } from './jobs/job-commands.consumer';
import { WorkerRegistry } from './workers/worker-registry';

export const JOB_COMMANDS_CONSUMER = Symbol('JOB_COMMANDS_CONSUMER');

/**
 * Commands after which a dispatch round has nothing new to do: a job that starts or checkpoints
 * neither waits nor gives back a slot. Any other command may (a submission, a resume, a job's end
 * frees a slot and its account's quota), so it wakes the dispatcher; a kick missed here would only
 * wait for the dispatcher's next interval.
 */
const NO_DISPATCH_WORK: ReadonlySet<string> = new Set(['StartJob', 'CheckpointJob']);

export function mayGiveDispatchWork(commandType: string): boolean {
  return !NO_DISPATCH_WORK.has(commandType);
}
export const WORKER_EVENTS_CONSUMER = Symbol('WORKER_EVENTS_CONSUMER');

/**
 * Wires the two consumer groups to their handlers; each change that may give a dispatch round work
 * wakes the dispatcher, and decided commands wake the outbox relay, so their events (a job Completed, Started, Submitted) are
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
        if (batch.some(({ envelope }) => mayGiveDispatchWork(envelope.type))) dispatcher.kick();
      },
      { decode: decodeCommand },
    );
    workerEvents.startWhenReady('scheduling.workers', [topics.workerEvents], async (events) => {
      await registry.record(events);
      dispatcher.kick();
    });
  }
}
