import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { JobStatus } from '@jobledger/domain';
import { isFinalStatus } from '@jobledger/domain';
import type { JobView } from '@jobledger/events';
import { ApiError, CurrentPrincipal, v, validateBody } from '@jobledger/platform';
import type { Principal } from '@jobledger/platform';
import { parseIntParam } from './int-param';
import { JobReader } from './job-reader';
import { JobWaiter } from './job-waiter';

/** Longer waits would outlive the HTTP servers' request timeout; clients wait again. */
export const MAX_WAIT_SECONDS = 300;
const DEFAULT_WAIT_SECONDS = 60;
/** A waiter checks again on its own at least this often, in case a notification was missed. */
const RECHECK_MS = 1_000;
/** How long an id that is not (yet) in the projection is waited for before it is a 404. */
const UNSEEN_GRACE_MS = 3_000;

const settled = (status: JobStatus) => isFinalStatus(status) || status === 'Suspended';

const waitManyRequest = {
  ids: v.array(v.string({ min: 1, max: 64 }), { max: 100 }),
  any: v.optional(v.boolean()),
  timeoutSeconds: v.optional(v.int({ min: 0, max: MAX_WAIT_SECONDS })),
};

/** Wait-Job: long-polls until jobs are final (or Suspended); on timeout answers as they are, `timedOut: true`. */
@Controller('v1/jobs')
export class WaitController {
  constructor(
    private readonly reader: JobReader,
    private readonly waiter: JobWaiter,
  ) {}

  @Get(':id/wait')
  async waitOne(@Param('id') id: string, @CurrentPrincipal() principal: Principal, @Query('timeoutSeconds') timeoutSeconds?: string) {
    const [job] = (await this.waitFor(principal.accountId, [id], false, parseIntParam('timeoutSeconds', timeoutSeconds, DEFAULT_WAIT_SECONDS, 0, MAX_WAIT_SECONDS))).items;
    return job;
  }

  @Post('wait')
  @HttpCode(200)
  async waitMany(@Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    const request = validateBody(waitManyRequest, body);
    if (request.ids.length === 0) throw new ApiError('VALIDATION_FAILED', 'ids must name at least one job', [{ field: 'ids', rule: 'minItems', message: 'ids must name at least one job' }]);
    return this.waitFor(principal.accountId, [...new Set(request.ids)], request.any ?? false, request.timeoutSeconds ?? DEFAULT_WAIT_SECONDS);
  }

  private async waitFor(accountId: string, ids: string[], any: boolean, timeoutSeconds: number) {
    const started = Date.now();
    const deadline = started + timeoutSeconds * 1000;
    for (;;) {
      const found = await Promise.all(ids.map((id) => this.reader.job(accountId, id).catch(notFoundAsNull)));
      const missing = ids.filter((_, i) => found[i] === null);
      if (missing.length > 0) {
        // A job submitted a moment ago may not be projected yet: give it a short grace before 404.
        if (Date.now() - started < Math.min(UNSEEN_GRACE_MS, timeoutSeconds * 1000)) {
          await Promise.race(missing.map((id) => this.waiter.changed(accountId, id, 200)));
          continue;
        }
        throw new ApiError('JOB_NOT_FOUND', `no job ${missing.map((id) => `"${id}"`).join(', ')} in this account`, { ids: missing });
      }
      const items = found as JobView[];
      const done = any ? items.some((j) => settled(j.status)) : items.every((j) => settled(j.status));
      const left = deadline - Date.now();
      if (done || left <= 0) return { items: items.map((j) => ({ ...j, timedOut: !settled(j.status) && !done })), timedOut: !done };
      const pending = items.filter((j) => !settled(j.status));
      await Promise.race(pending.map((j) => this.waiter.changed(accountId, j.id, Math.min(left, RECHECK_MS))));
    }
  }
}

function notFoundAsNull(error: unknown): null {
  if (error instanceof ApiError && error.code === 'JOB_NOT_FOUND') return null;
  throw error;
}
