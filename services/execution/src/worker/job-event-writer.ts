import { Inject, Injectable } from '@nestjs/common';
import { decide, evolve, initialState } from '@jobledger/domain';
import type { JobCommand, JobEvent, JobState } from '@jobledger/domain';
import { topicNames } from '@jobledger/events';
import type { DomainEvent } from '@jobledger/events';
import { JsonLogger, PLATFORM_CONFIG, SharedProducer, retryUntilDone, stampEvents, toOutbound } from '@jobledger/platform';
import type { OutboundMessage } from '@jobledger/kafka';
import type { EventContext } from '@jobledger/platform';
import type { ExecutionConfig } from '../config';

/**
 * The worker is the single writer of a job while it holds the assignment: it keeps the job's
 * state from the events it has seen and writes, decides each step with the domain rules,
 * and publishes the events straight to Kafka, in order, under the job's key.
 */
export class RunningJob {
  constructor(
    readonly accountId: string,
    readonly jobId: string,
    private state: JobState,
    private readonly writer: JobEventWriter,
    private readonly context: EventContext,
  ) {}

  /** Decides the command on the job's state; publishes its events, retrying while Kafka is away. */
  async execute(command: JobCommand): Promise<void> {
    const events = decide(command, this.state);
    await this.publish(events);
    this.state = events.reduce(evolve, this.state);
  }

  async publish(events: DomainEvent[]): Promise<void> {
    const stamped = this.writer.stamp(events, this.context, this.accountId, this.jobId);
    await retryUntilDone('publishing job events', () => this.writer.send(stamped), (message, fields) =>
      this.writer.logger.warn(message, { ...fields, jobId: this.jobId, accountId: this.accountId }),
    );
  }
}

@Injectable()
export class JobEventWriter {
  constructor(
    private readonly producer: SharedProducer,
    readonly logger: JsonLogger,
    @Inject(PLATFORM_CONFIG) private readonly config: ExecutionConfig,
  ) {}

  /** Starts tracking a job from the events that led to its assignment. */
  open(accountId: string, jobId: string, history: JobEvent[], correlationId: string): RunningJob {
    const context: EventContext = { actor: { kind: 'service', id: `execution/${this.config.workerId}` }, correlationId, causationId: correlationId };
    return new RunningJob(accountId, jobId, history.reduce(evolve, initialState()), this, context);
  }

  stamp(events: DomainEvent[], context: EventContext, accountId: string, jobId?: string): OutboundMessage[] {
    const topics = topicNames(this.config.topicPrefix);
    return stampEvents(events, context, accountId, jobId).map((e) => toOutbound(e, topics));
  }

  async send(messages: OutboundMessage[]): Promise<void> {
    await (await this.producer.get()).send(messages);
  }

  async publish(events: DomainEvent[], context: EventContext, accountId: string, jobId?: string): Promise<void> {
    await this.send(this.stamp(events, context, accountId, jobId));
  }
}
