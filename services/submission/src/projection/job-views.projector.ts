import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JOB_EVENT_TYPES, initialState } from '@jobledger/domain';
import type { JobEvent, JobState } from '@jobledger/domain';
import { evolveJobView } from '@jobledger/events';
import type { JobView } from '@jobledger/events';
import { PLATFORM_CONFIG, claimEvent, quoteIdent, serviceSchema } from '@jobledger/platform';
import type { DecodedEvent, PlatformConfig } from '@jobledger/platform';

const JOB_TYPES = new Set<string>(JOB_EVENT_TYPES);

/**
 * Keeps each submitted job's view current from job-events, so that resubmitting a client id
 * returns the job as it is now. Idempotent by event id (inbox), one transaction per batch.
 */
@Injectable()
export class JobViewsProjector {
  private readonly schema: string;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    this.schema = quoteIdent(serviceSchema(config));
  }

  async project(events: DecodedEvent[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      for (const { envelope } of events) {
        if (!envelope.jobId || !JOB_TYPES.has(envelope.type)) continue;
        if (!(await claimEvent(manager, this.schema, envelope.id))) continue;
        const [row] = await manager.query(`SELECT view, state FROM ${this.schema}.jobs WHERE account_id = $1 AND id = $2 FOR UPDATE`, [
          envelope.accountId,
          envelope.jobId,
        ]);
        if (!row) continue;
        const event = { type: envelope.type, data: envelope.data } as JobEvent;
        const next = evolveJobView((row.view as JobView | null) ?? null, (row.state as JobState | null) ?? initialState(), event, envelope.occurredAt);
        await manager.query(`UPDATE ${this.schema}.jobs SET view = $3, state = $4 WHERE account_id = $1 AND id = $2`, [
          envelope.accountId,
          envelope.jobId,
          JSON.stringify(next.view),
          JSON.stringify(next.state),
        ]);
      }
    });
  }
}
