import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { PlatformModule, managedConsumerProvider, outboxRelayProvider } from '@jobledger/platform';
import { JOB_VIEWS_CONSUMER, JobViewsConsumer } from './projection/job-views.consumer';
import { JobViewsProjector } from './projection/job-views.projector';
import type { PlatformConfig } from '@jobledger/platform';
import { AccessController } from './access/access.controller';
import { AccessService } from './access/access.service';
import { JobsController } from './jobs/jobs.controller';
import { SubmitJobHandler } from './jobs/submit-job.handler';
import { SUBMISSION_MIGRATIONS } from './migrations';
import { PublishRunbookHandler } from './runbooks/publish-runbook.handler';
import { RunbooksController } from './runbooks/runbooks.controller';
import { ConfigureWorkerGroupHandler } from './worker-groups/configure-worker-group.handler';
import { WorkerGroupsController } from './worker-groups/worker-groups.controller';

/** The write side: validates requests, records them with their events in one transaction, relays the events. */
@Module({})
export class SubmissionModule {
  static forRoot(config: PlatformConfig): DynamicModule {
    return {
      module: SubmissionModule,
      imports: [PlatformModule.forRoot(config, { migrations: SUBMISSION_MIGRATIONS })],
      controllers: [RunbooksController, JobsController, WorkerGroupsController, AccessController],
      providers: [
        outboxRelayProvider(),
        managedConsumerProvider(JOB_VIEWS_CONSUMER),
        JobViewsProjector,
        JobViewsConsumer,
        PublishRunbookHandler,
        SubmitJobHandler,
        ConfigureWorkerGroupHandler,
        AccessService,
      ],
    };
  }
}
