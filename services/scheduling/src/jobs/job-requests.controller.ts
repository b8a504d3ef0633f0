import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { DomainError } from '@jobledger/domain';
import type { JobCommand } from '@jobledger/domain';
import type { JobView } from '@jobledger/events';
import { ApiError, CurrentEventContext, CurrentPrincipal, RequireRole } from '@jobledger/platform';
import type { EventContext, Principal } from '@jobledger/platform';
import { JobCommandHandler } from './job-command.handler';

type Request = 'stop' | 'suspend' | 'resume';

const COMMANDS: Record<Request, (at: string) => JobCommand> = {
  stop: (at) => ({ type: 'RequestStop', data: { at } }),
  suspend: (at) => ({ type: 'RequestSuspend', data: { at } }),
  resume: (at) => ({ type: 'RequestResume', data: { at } }),
};

/**
 * Stop, suspend and resume are decided here, by the job's single writer, on its true state:
 * 202 with the job when applied, 409 naming the current status when refused (and the refusal
 * is recorded as a JobRequestRefused event), 404 for an unknown id or another account's.
 */
@Controller('v1/jobs/:id')
export class JobRequestsController {
  constructor(private readonly handler: JobCommandHandler) {}

  @Post('stop')
  @HttpCode(202)
  @RequireRole('operator')
  stop(@Param('id') id: string, @CurrentPrincipal() principal: Principal, @CurrentEventContext() context: EventContext): Promise<JobView> {
    return this.request(id, 'stop', principal, context);
  }

  @Post('suspend')
  @HttpCode(202)
  @RequireRole('operator')
  suspend(@Param('id') id: string, @CurrentPrincipal() principal: Principal, @CurrentEventContext() context: EventContext): Promise<JobView> {
    return this.request(id, 'suspend', principal, context);
  }

  @Post('resume')
  @HttpCode(202)
  @RequireRole('operator')
  resume(@Param('id') id: string, @CurrentPrincipal() principal: Principal, @CurrentEventContext() context: EventContext): Promise<JobView> {
    return this.request(id, 'resume', principal, context);
  }

  private async request(id: string, request: Request, principal: Principal, context: EventContext): Promise<JobView> {
    const command = COMMANDS[request](new Date().toISOString());
    try {
      const { view } = await this.handler.run(principal.accountId, id, command, { context });
      if (!view) throw new ApiError('JOB_NOT_FOUND', `job "${id}" was not found in this account`, { id });
      return view;
    } catch (error) {
      if (error instanceof DomainError && error.code === 'JOB_NOT_FOUND') {
        throw new ApiError('JOB_NOT_FOUND', `job "${id}" was not found in this account`, { id });
      }
      if (error instanceof DomainError) await this.handler.recordRefusal(principal.accountId, id, command, error, { context });
      throw error;
    }
  }
}
