import { randomUUID } from 'node:crypto';
import type { JobCommand } from '@jobledger/domain';
import { commandEnvelope, encodeEvent } from '@jobledger/events';
import type { CommandEnvelope, TopicNames } from '@jobledger/events';
import type { OutboundMessage } from '@jobledger/kafka';
import type { EventContext } from './event-stamp';

/** A command for the job's single writer, on the job-commands topic under the job's key. */
export function commandMessage(command: JobCommand, context: EventContext, accountId: string, jobId: string, topics: TopicNames): OutboundMessage {
  const envelope: CommandEnvelope = commandEnvelope(command, {
    id: randomUUID(),
    accountId,
    jobId,
    occurredAt: command.data.at,
    ...context,
  });
  return { topic: topics.jobCommands, key: jobId, value: encodeEvent(envelope), headers: { 'command-type': command.type } };
}
