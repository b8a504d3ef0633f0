import { Inject, Injectable } from '@nestjs/common';
import type { JobCommand } from '@jobledger/domain';
import { topicNames } from '@jobledger/events';
import type { DomainEvent } from '@jobledger/events';
import type { OutboundMessage } from '@jobledger/kafka';
import { JsonLogger, PLATFORM_CONFIG, SharedProducer, commandMessage, retryUntilDone, stampEvents, toOutbound } from '@jobledger/platform';
import type { EventContext } from '@jobledger/platform';
import type { ExecutionConfig } from '../config';

/**
 * What a worker writes. About the lifecycle it only reports — StartJob, CheckpointJob,
 * CompleteJob, … go to the job-commands topic for the job's single writer to decide; it writes
 * its own facts directly: output records, heartbeats.
 */
@Injectable()
export class JobEventWriter {
  constructor(
    private readonly producer: SharedProducer,
    readonly logger: JsonLogger,
    @Inject(PLATFORM_CONFIG) private readonly config: ExecutionConfig,
  ) {}

  contextFor(correlationId: string): EventContext {
    return { actor: { kind: 'service', id: `execution/${this.config.workerId}` }, correlationId, causationId: correlationId };
  }

  /** Reports to the job's single writer; retries while Kafka is away. */
  async report(accountId: string, jobId: string, command: JobCommand, context: EventContext): Promise<void> {
    await this.sendWithRetry([commandMessage(command, context, accountId, jobId, topicNames(this.config.topicPrefix))], jobId, accountId);
  }

  async publish(events: DomainEvent[], context: EventContext, accountId: string, jobId?: string): Promise<void> {
    await this.sendWithRetry(this.messages(events, context, accountId, jobId), jobId, accountId);
  }

  /** One try, for messages that are soon out of date anyway (heartbeats). */
  async publishOnce(events: DomainEvent[], context: EventContext, accountId: string): Promise<void> {
    await (await this.producer.get()).send(this.messages(events, context, accountId));
  }

  private messages(events: DomainEvent[], context: EventContext, accountId: string, jobId?: string): OutboundMessage[] {
    const topics = topicNames(this.config.topicPrefix);
    return stampEvents(events, context, accountId, jobId).map((e) => toOutbound(e, topics));
  }

  /** Retries while Kafka is away; an error Kafka says no retry can fix (e.g. a message too large) is thrown. */
  private async sendWithRetry(messages: OutboundMessage[], jobId: string | undefined, accountId: string): Promise<void> {
    await retryUntilDone(
      'publishing to Kafka',
      async () => {
        try {
          await (await this.producer.get()).send(messages);
        } catch (error) {
          if ((error as { retriable?: boolean }).retriable === false) throw Object.assign(error as Error, { unrecoverable: true });
          throw error;
        }
      },
      (message, fields) => this.logger.warn(message, { ...fields, jobId, accountId }),
    );
  }
}
