import { Injectable } from '@nestjs/common';
import { DomainError } from '@jobledger/domain';
import type { JobCommand } from '@jobledger/domain';
import type { CommandEnvelope } from '@jobledger/events';
import { JsonLogger } from '@jobledger/platform';
import type { Decoded } from '@jobledger/platform';
import { JobCommandHandler } from './job-command.handler';
import type { CommandSource } from './job-command.handler';

/**
 * Applies the commands of the job-commands topic in log order (one partition per job key).
 * A refused command is not retried: a refused user request is recorded on the job's stream,
 * a refused worker report (e.g. "completed" after the job was stopped) is logged.
 */
@Injectable()
export class JobCommandsConsumer {
  constructor(
    private readonly handler: JobCommandHandler,
    private readonly logger: JsonLogger,
  ) {}

  async apply(commands: Decoded<CommandEnvelope>[]): Promise<void> {
    for (const { envelope } of commands) {
      const command = { type: envelope.type, data: envelope.data } as JobCommand;
      const source: CommandSource = {
        id: envelope.id,
        context: { actor: envelope.actor, correlationId: envelope.correlationId, causationId: envelope.id },
      };
      try {
        await this.handler.run(envelope.accountId, envelope.jobId, command, source);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const recorded = await this.handler.recordRefusal(envelope.accountId, envelope.jobId, command, error, source);
        this.logger.warn('command refused', {
          jobId: envelope.jobId, accountId: envelope.accountId, correlationId: envelope.correlationId, command: envelope.type, code: error.code, recorded, reason: error.message,
        });
      }
    }
  }
}
