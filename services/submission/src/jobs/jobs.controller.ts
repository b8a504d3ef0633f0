import { Body, Controller, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentEventContext, CurrentPrincipal, RequireRole, validateBody } from '@jobledger/platform';
import type { EventContext, Principal } from '@jobledger/platform';
import { SubmitJobHandler } from './submit-job.handler';
import { submitJobRequest } from './submit-job.request';

@Controller('v1/jobs')
export class JobsController {
  constructor(private readonly submit: SubmitJobHandler) {}

  /** 201 with the new job; 200 with the existing one when the same id and body come again. */
  @Post()
  @RequireRole('operator')
  async create(
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @CurrentEventContext() context: EventContext,
    @Res({ passthrough: true }) res: Response,
  ) {
    const request = validateBody(submitJobRequest, body);
    const { job, created } = await this.submit.handle(principal.accountId, request, context);
    res.status(created ? 201 : 200);
    if (created) res.setHeader('Location', `/v1/jobs/${encodeURIComponent(job.id)}`);
    return job;
  }
}
