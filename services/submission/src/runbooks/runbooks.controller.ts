import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CurrentEventContext, CurrentPrincipal, RequireRole, validateBody } from '@jobledger/platform';
import type { EventContext, Principal } from '@jobledger/platform';
import { PublishRunbookHandler } from './publish-runbook.handler';
import { publishRunbookRequest } from './publish-runbook.request';

@Controller('v1/runbooks')
export class RunbooksController {
  constructor(private readonly publish: PublishRunbookHandler) {}

  @Post()
  @HttpCode(201)
  @RequireRole('admin')
  async create(@Body() body: unknown, @CurrentPrincipal() principal: Principal, @CurrentEventContext() context: EventContext) {
    const request = validateBody(publishRunbookRequest, body);
    const published = await this.publish.handle({ accountId: principal.accountId, ...request }, context);
    const { source: _source, ...version } = published;
    return { ...version, createdAt: published.at };
  }
}
