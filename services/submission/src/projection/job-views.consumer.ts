import { Inject, Injectable } from '@nestjs/common';
import { topicNames } from '@jobledger/events';
import { ManagedConsumer, PLATFORM_CONFIG } from '@jobledger/platform';
import type { PlatformConfig } from '@jobledger/platform';
import { JobViewsProjector } from './job-views.projector';

export const JOB_VIEWS_CONSUMER = Symbol('JOB_VIEWS_CONSUMER');

/**
 * A job view here is read only when a client resends a submission; a view this much older than
 * the query service's is what such a resend gets, and the views then cost a transaction per
 * quarter second instead of one per fetch (at 10 jobs/s, four per job).
 */
export const JOB_VIEWS_GATHER_MS = 250;

/** Feeds job-events to the job views projector (consumer group `submission.job-views`), a quarter second's events at a time. */
@Injectable()
export class JobViewsConsumer {
  constructor(
    @Inject(JOB_VIEWS_CONSUMER) consumer: ManagedConsumer,
    projector: JobViewsProjector,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    consumer.startWhenReady('submission.job-views', [topicNames(config.topicPrefix).jobEvents], (events) => projector.project(events), {
      gatherMs: JOB_VIEWS_GATHER_MS,
    });
  }
}
