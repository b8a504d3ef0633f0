import { Controller, Delete, HttpCode, Param, Post, Query } from '@nestjs/common';
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

  /**
   * Remove-Job: a final job leaves the read models (its events stay in the log); with
   * `force=true` a job that is not final is stopped first and removed once it is.
   */
  @Delete()
  @HttpCode(204)
  @RequireRole('operator')
  async remove(@Param('id') id: string, @Query('force') force: string | undefined, @CurrentPrincipal() principal: Principal, @CurrentEventContext() context: EventContext) {
    if (force !== undefined && force !== 'true' && force !== 'false') {
      throw new ApiError('VALIDATION_FAILED', 'force must be true or false', [{ field: 'force', rule: 'type', message: 'force must be true or false' }]);
    }
    await this.decide(id, { type: 'RemoveJob', data: { force: force === 'true', at: new Date().toISOString() } }, principal, context);
  }

  private request(id: string, request: Request, principal: Principal, context: EventContext): Promise<JobView> {
    return this.decide(id, COMMANDS[request](new Date().toISOString()), principal, context);
  }

  private async decide(id: string, command: JobCommand, principal: Principal, context: EventContext): Promise<JobView> {
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
