import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiError, CurrentPrincipal } from '@jobledger/platform';
import type { Principal } from '@jobledger/platform';
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
    const size = limit === undefined || limit === '' ? 1000 : Number(limit);
    if (!Number.isInteger(size) || size < 1 || size > MAX_LIMIT) {
      const message = `limit must be an integer from 1 to ${MAX_LIMIT}`;
      throw new ApiError('VALIDATION_FAILED', message, [{ field: 'limit', rule: 'range', message }]);
    }
    return this.history.page(principal.accountId, id, size, cursor || undefined);
  }
}
