import { Controller, Sse } from '@nestjs/common';
import type { MessageEvent } from '@nestjs/common';
import { Observable } from 'rxjs';
import { CurrentPrincipal, JsonLogger } from '@jobledger/platform';
import type { Principal } from '@jobledger/platform';
import { JobReader } from '../jobs/job-reader';
import { JobWaiter } from '../jobs/job-waiter';

/** A comment line now and then keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 15_000;

/**
 * Server-sent events of the account's job changes (the live console): one `job` event with
 * the job's view each time one of its jobs changes in the read model.
 */
@Controller('v1/events')
export class EventsStreamController {
  constructor(
    private readonly reader: JobReader,
    private readonly waiter: JobWaiter,
    private readonly logger: JsonLogger,
  ) {}

  @Sse('stream')
  stream(@CurrentPrincipal() principal: Principal): Observable<MessageEvent> {
    return new Observable<MessageEvent>((subscriber) => {
      const unwatch = this.waiter.watch(principal.accountId, (jobId) => {
        this.reader
          .job(principal.accountId, jobId)
          .then((job) => subscriber.next({ id: `${job.id}@${job.lastModifiedAt}`, type: 'job', data: job }))
          .catch((error: Error) => this.logger.debug('a changed job could not be read for the stream', { jobId, error: error.message }));
      });
      // Ready once changes are listened for: a job changed after `ready` is streamed.
      this.waiter.whenListening().then(
        () => subscriber.next({ type: 'ready', data: { accountId: principal.accountId } }),
        () => subscriber.error(new Error('the stream cannot follow job changes now; connect again later')),
      );
      const keepalive = setInterval(() => subscriber.next({ type: 'keepalive', data: {} }), KEEPALIVE_MS);
      return () => {
        clearInterval(keepalive);
        unwatch();
      };
    });
  }
}
