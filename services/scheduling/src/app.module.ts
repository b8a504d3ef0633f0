import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { PlatformModule, managedConsumerProvider, outboxRelayProvider } from '@jobledger/platform';
import type { SchedulingConfig } from './config';
import { Dispatcher } from './dispatch/dispatcher';
import { JobCommandHandler } from './jobs/job-command.handler';
import { JobCommandsConsumer } from './jobs/job-commands.consumer';
import { JobRequestsController } from './jobs/job-requests.controller';
import { SCHEDULING_MIGRATIONS } from './migrations';
import { JOB_COMMANDS_CONSUMER, SchedulingConsumers, WORKER_EVENTS_CONSUMER } from './scheduling-consumers';
import { WorkerRegistry } from './workers/worker-registry';

/** Each job's single writer: decides every command on the job, queues jobs, tracks live workers and assigns jobs to free slots. */
@Module({})
export class SchedulingModule {
  static forRoot(config: SchedulingConfig): DynamicModule {
    return {
      module: SchedulingModule,
      imports: [PlatformModule.forRoot(config, { migrations: SCHEDULING_MIGRATIONS })],
      controllers: [JobRequestsController],
      providers: [
        outboxRelayProvider(),
        managedConsumerProvider(JOB_COMMANDS_CONSUMER),
        managedConsumerProvider(WORKER_EVENTS_CONSUMER),
        JobCommandHandler,
        JobCommandsConsumer,
        WorkerRegistry,
        Dispatcher,
        SchedulingConsumers,
      ],
    };
  }
}
