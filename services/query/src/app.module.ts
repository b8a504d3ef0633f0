import { Inject, Injectable, Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ManagedConsumer, PLATFORM_CONFIG, PlatformModule, managedConsumerProvider } from '@jobledger/platform';
import type { PlatformConfig } from '@jobledger/platform';
import type { QueryConfig } from './config';
import { JobReader } from './jobs/job-reader';
import { JobWaiter } from './jobs/job-waiter';
import { JobsController } from './jobs/jobs.controller';
import { WaitController } from './jobs/wait.controller';
import { DashboardController } from './dashboard/dashboard.controller';
import { StatusCountsReader } from './dashboard/status-counts.reader';
import { HistoryController } from './history/history.controller';
import { JobHistoryReader } from './history/job-history.reader';
import { EventsStreamController } from './stream/events-stream.controller';
import { READ_MODEL_CONSUMER, READ_MODEL_MIGRATIONS, readModelTopics } from '@jobledger/read-model';
import { QueryProjector } from './projection/query.projector';
import { MeController } from './access/me.controller';
import { WorkerReader } from './workers/worker-reader';
import { WorkersController } from './workers/workers.controller';
import { WorkerGroupsController } from './workers/worker-groups.controller';

const PROJECTION_CONSUMER = Symbol('PROJECTION_CONSUMER');

@Injectable()
class ProjectionConsumer {
  constructor(
    @Inject(PROJECTION_CONSUMER) consumer: ManagedConsumer,
    projector: QueryProjector,
    dataSource: DataSource,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    consumer.startProjectionWhenReady(READ_MODEL_CONSUMER, readModelTopics(config.topicPrefix), { dataSource, schema: projector.schema }, (manager, events) => projector.apply(manager, events), {
      optimistic: projector.optimistic(),
    });
  }
}

/** The read side: projects the log into Postgres and answers every read of the API. */
@Module({})
export class QueryModule {
  static forRoot(config: QueryConfig): DynamicModule {
    return {
      module: QueryModule,
      imports: [PlatformModule.forRoot(config, { migrations: READ_MODEL_MIGRATIONS })],
      controllers: [JobsController, WaitController, HistoryController, DashboardController, EventsStreamController, WorkersController, WorkerGroupsController, MeController],
      providers: [
        managedConsumerProvider(PROJECTION_CONSUMER),
        QueryProjector,
        JobReader,
        JobWaiter,
        JobHistoryReader,
        StatusCountsReader,
        WorkerReader,
        ProjectionConsumer,
      ],
    };
  }
}
