import { Injectable } from '@nestjs/common';
import type { JobCommand } from '@jobledger/domain';
import type { CommandEnvelope } from '@jobledger/events';
import { JsonLogger } from '@jobledger/platform';
import type { Decoded } from '@jobledger/platform';
import { JobCommandHandler } from './job-command.handler';
import type { LoggedCommand } from './job-command.handler';

/** Commands decided per transaction, at most: a fetch of several partitions can bring thousands, and one transaction's locks stay few. */
const CHUNK = 500;

/**
 * Applies the commands of the job-commands topic in log order (one partition per job key), a
 * batch per transaction. A refused command is not retried: a refused user request is recorded
 * on the job's stream, a refused worker report (e.g. "completed" after the job was stopped) is
 * logged.
 */
@Injectable()
export class JobCommandsConsumer {
  constructor(
    private readonly handler: JobCommandHandler,
    private readonly logger: JsonLogger,
  ) {}

  async apply(commands: Decoded<CommandEnvelope>[]): Promise<void> {
    for (let start = 0; start < commands.length; start += CHUNK) {
      const chunk = commands.slice(start, start + CHUNK).map(({ envelope }): LoggedCommand => ({
        accountId: envelope.accountId,
        jobId: envelope.jobId,
        command: { type: envelope.type, data: envelope.data } as JobCommand,
        source: { id: envelope.id, context: { actor: envelope.actor, correlationId: envelope.correlationId, causationId: envelope.id } },
      }));
      const outcomes = await this.handler.runBatch(chunk);
      outcomes.forEach((outcome, i) => {
        if (outcome.kind !== 'refused') return;
        const { command, accountId, jobId, source } = chunk[i];
        this.logger.warn('command refused', {
          jobId, accountId, correlationId: source.context.correlationId, command: command.type, code: outcome.error.code, recorded: outcome.recorded, reason: outcome.error.message,
        });
      });
    }
  }
}
