import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { PlatformModule, managedConsumerProvider } from '@jobledger/platform';
import type { ExecutionConfig } from './config';
import { ASSIGNMENTS_CONSUMER, ExecutionConsumers, SPECS_CONSUMER } from './execution-consumers';
import { EXECUTION_MIGRATIONS } from './migrations';
import { JobSpecStore } from './specs/job-spec.store';
import { Heartbeat } from './worker/heartbeat';
import { JobEventWriter } from './worker/job-event-writer';
import { JobExecutor } from './worker/job-executor';

/** A worker: heartbeats, takes the jobs assigned to it and runs them in sandboxed child processes. */
@Module({})
export class ExecutionModule {
  static forRoot(config: ExecutionConfig): DynamicModule {
    return {
      module: ExecutionModule,
      imports: [PlatformModule.forRoot(config, { migrations: EXECUTION_MIGRATIONS })],
      providers: [
        managedConsumerProvider(SPECS_CONSUMER),
        managedConsumerProvider(ASSIGNMENTS_CONSUMER),
        JobSpecStore,
        JobEventWriter,
        JobExecutor,
        Heartbeat,
        ExecutionConsumers,
      ],
    };
  }
}
