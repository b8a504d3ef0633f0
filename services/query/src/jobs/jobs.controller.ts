import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { STREAM_NAMES } from '@jobledger/events';
import type { JobView, StreamName } from '@jobledger/events';
import { ApiError, CurrentPrincipal } from '@jobledger/platform';
import type { Principal } from '@jobledger/platform';
import { parseIntParam } from './int-param';
import { JobReader } from './job-reader';
import { parseListJobsQuery } from './list-jobs.query';

const MAX_LIMIT = 1000;

@Controller('v1/jobs')
export class JobsController {
  constructor(private readonly reader: JobReader) {}

  /** Filters, sort and keyset pages: `{ items, nextCursor }`. */
  @Get()
  async list(@Query() query: Record<string, unknown>, @CurrentPrincipal() principal: Principal) {
    return this.reader.list(principal.accountId, parseListJobsQuery(query));
  }

  /** Another account's id is 404, the same as an unknown one. */
  @Get(':id')
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<JobView> {
    return this.reader.job(principal.accountId, id);
  }

  /** The source of the runbook version the job ran (SPEC §1: it stays readable after newer versions). */
  @Get(':id/source')
  async source(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.reader.source(principal.accountId, id);
  }

  /** Receive-Job: the records not received yet, and the cursor moved past them (`keep=true`: all, cursor kept). */
  @Post(':id/receive')
  @HttpCode(200)
  async receive(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Query('keep') keep?: string,
    @Query('limit') limit?: string,
  ) {
    if (keep !== undefined && keep !== 'true' && keep !== 'false') {
      throw new ApiError('VALIDATION_FAILED', 'keep must be true or false', [{ field: 'keep', rule: 'type', message: 'keep must be true or false' }]);
    }
    return this.reader.receive(principal.accountId, id, keep === 'true', parseIntParam('limit', limit, MAX_LIMIT, 1, MAX_LIMIT));
  }

  /** Stateless paging through the job's stream records (SPEC §3 peek). */
  @Get(':id/output')
  async output(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Query('after') after?: string,
    @Query('stream') stream?: string,
    @Query('limit') limit?: string,
  ) {
    await this.reader.job(principal.accountId, id);
    const afterSeq = parseIntParam('after', after, 0, 0);
    const pageSize = parseIntParam('limit', limit, 100, 1, MAX_LIMIT);
    const streams = (stream ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = streams.filter((s) => !(STREAM_NAMES as readonly string[]).includes(s));
    if (unknown.length > 0) {
      throw new ApiError('VALIDATION_FAILED', `stream must be a comma list of ${STREAM_NAMES.join(', ')}; unknown: ${unknown.join(', ')}`, [{ field: 'stream', rule: 'enum', message: `unknown stream(s): ${unknown.join(', ')}` }]);
    }
    const records = await this.reader.output(principal.accountId, id, afterSeq, streams as StreamName[], pageSize);
    return { records, nextAfter: records.length > 0 ? records[records.length - 1].seq : afterSeq };
  }
}
