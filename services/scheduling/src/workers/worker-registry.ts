import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { projectWorkerEvent } from '@jobledger/read-model';
import { PLATFORM_CONFIG, quoteIdent, serviceSchema } from '@jobledger/platform';
import type { DecodedEvent, PlatformConfig } from '@jobledger/platform';

/** Which workers live, from their heartbeats. A later heartbeat never loses to an earlier one. */
@Injectable()
export class WorkerRegistry {
  private readonly schema: string;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    this.schema = quoteIdent(serviceSchema(config));
  }

  /** Heartbeats and group settings, through the same projection the read model uses. */
  async record(events: DecodedEvent[]): Promise<void> {
    for (const { envelope } of events) await projectWorkerEvent(this.dataSource.manager, this.schema, envelope);
  }
}
