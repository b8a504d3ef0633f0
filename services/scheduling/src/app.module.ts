import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { PlatformModule, managedConsumerProvider, outboxRelayProvider } from '@jobledger/platform';
import type { SchedulingConfig } from './config';
import { Dispatcher } from './dispatch/dispatcher';
import { JobStateProjector } from './jobs/job-state.projector';
import { SCHEDULING_MIGRATIONS } from './migrations';
import { JOB_EVENTS_CONSUMER, SchedulingConsumers, WORKER_EVENTS_CONSUMER } from './scheduling-consumers';
import { WorkerRegistry } from './workers/worker-registry';
import { WorkersController } from './workers/workers.controller';
import { WorkerGroupsController } from './workers/worker-groups.controller';

/** Queues jobs, tracks live workers, and assigns jobs to free slots. */
@Module({})
export class SchedulingModule {
  static forRoot(config: SchedulingConfig): DynamicModule {
    return {
      module: SchedulingModule,
      imports: [PlatformModule.forRoot(config, { migrations: SCHEDULING_MIGRATIONS })],
      controllers: [WorkersController, WorkerGroupsController],
      providers: [
        outboxRelayProvider(),
        managedConsumerProvider(JOB_EVENTS_CONSUMER),
        managedConsumerProvider(WORKER_EVENTS_CONSUMER),
        JobStateProjector,
        WorkerRegistry,
        Dispatcher,
        SchedulingConsumers,
      ],
    };
  }
}
