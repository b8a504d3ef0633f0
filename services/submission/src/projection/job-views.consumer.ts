import { Inject, Injectable } from '@nestjs/common';
import { topicNames } from '@jobledger/events';
import { ManagedConsumer, PLATFORM_CONFIG } from '@jobledger/platform';
import type { PlatformConfig } from '@jobledger/platform';
import { JobViewsProjector } from './job-views.projector';

export const JOB_VIEWS_CONSUMER = Symbol('JOB_VIEWS_CONSUMER');

/** Feeds job-events to the job views projector (consumer group `submission.job-views`). */
@Injectable()
export class JobViewsConsumer {
  constructor(
    @Inject(JOB_VIEWS_CONSUMER) consumer: ManagedConsumer,
    projector: JobViewsProjector,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    consumer.startWhenReady('submission.job-views', [topicNames(config.topicPrefix).jobEvents], (events) => projector.project(events));
  }
}
