import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { ReadModelProjector } from '@jobledger/read-model';
import { PLATFORM_CONFIG, quoteIdent, serviceSchema } from '@jobledger/platform';
import type { DecodedEvent, OptimisticProjection, PlatformConfig } from '@jobledger/platform';
import type { AnyEnvelope } from '@jobledger/events';

/** The service's read model (libs/read-model) in the service's own schema. */
@Injectable()
export class QueryProjector {
  readonly schema: string;
  private readonly model: ReadModelProjector;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    this.schema = quoteIdent(serviceSchema(config));
    this.model = new ReadModelProjector(this.schema);
  }

  /** Applies events in the caller's transaction (the consumer's, which also stores their position). */
  apply(manager: EntityManager, events: DecodedEvent[]): Promise<void> {
    return this.model.apply(manager, events);
  }

  /** The read model as the consumer applies a live fetch without a transaction (ReadModelProjector.optimistic). */
  optimistic(): OptimisticProjection<AnyEnvelope> {
    return this.model.optimistic();
  }

  /** Applies events in a transaction of their own. */
  async project(events: DecodedEvent[]): Promise<void> {
    await this.dataSource.transaction((manager) => this.apply(manager, events));
  }
}
