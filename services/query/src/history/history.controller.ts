import { Controller, Get, Param, Query } from '@nestjs/common';
import { CurrentPrincipal } from '@jobledger/platform';
import type { Principal } from '@jobledger/platform';
import { parseIntParam } from '../jobs/int-param';
import { JobReader } from '../jobs/job-reader';
import { JobHistoryReader } from './job-history.reader';

const MAX_LIMIT = 5000;

@Controller('v1/jobs')
export class HistoryController {
  constructor(
    private readonly jobs: JobReader,
    private readonly history: JobHistoryReader,
  ) {}

  /** Status changes and stream records, with times and actors, in time order: `{ items, nextCursor }`. */
  @Get(':id/history')
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal, @Query('limit') limit?: string, @Query('cursor') cursor?: string) {
    await this.jobs.job(principal.accountId, id);
    return this.history.page(principal.accountId, id, parseIntParam('limit', limit, 1000, 1, MAX_LIMIT), cursor || undefined);
  }
}
