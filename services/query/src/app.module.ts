import { Inject, Injectable, Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { topicNames } from '@jobledger/events';
import { ManagedConsumer, PLATFORM_CONFIG, PlatformModule, managedConsumerProvider } from '@jobledger/platform';
import type { PlatformConfig } from '@jobledger/platform';
import { JobReader } from './jobs/job-reader';
import { JobWaiter } from './jobs/job-waiter';
import { JobsController } from './jobs/jobs.controller';
import { WaitController } from './jobs/wait.controller';
import { DashboardController } from './dashboard/dashboard.controller';
import { StatusCountsReader } from './dashboard/status-counts.reader';
import { HistoryController } from './history/history.controller';
import { JobHistoryReader } from './history/job-history.reader';
import { EventsStreamController } from './stream/events-stream.controller';
import { QUERY_MIGRATIONS } from './migrations';
import { QueryProjector } from './projection/query.projector';

const PROJECTION_CONSUMER = Symbol('PROJECTION_CONSUMER');

@Injectable()
class ProjectionConsumer {
  constructor(@Inject(PROJECTION_CONSUMER) consumer: ManagedConsumer, projector: QueryProjector, @Inject(PLATFORM_CONFIG) config: PlatformConfig) {
    const topics = topicNames(config.topicPrefix);
    consumer.startWhenReady('query.projection', [topics.jobEvents, topics.jobOutput, topics.runbookEvents], (events) => projector.project(events));
  }
}

/** The read side: projects the log into Postgres and answers every read of the API. */
@Module({})
export class QueryModule {
  static forRoot(config: PlatformConfig): DynamicModule {
    return {
      module: QueryModule,
      imports: [PlatformModule.forRoot(config, { migrations: QUERY_MIGRATIONS })],
      controllers: [JobsController, WaitController, HistoryController, DashboardController, EventsStreamController],
      providers: [
        managedConsumerProvider(PROJECTION_CONSUMER),
        QueryProjector,
        JobReader,
        JobWaiter,
        JobHistoryReader,
        StatusCountsReader,
        ProjectionConsumer,
      ],
    };
  }
}
