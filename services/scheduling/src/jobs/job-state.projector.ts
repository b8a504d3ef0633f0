import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { JOB_EVENT_TYPES, evolve, initialState } from '@jobledger/domain';
import type { JobEvent, JobState } from '@jobledger/domain';
import { PLATFORM_CONFIG, claimEvent, quoteIdent, serviceSchema } from '@jobledger/platform';
import type { DecodedEvent, PlatformConfig } from '@jobledger/platform';

const JOB_TYPES = new Set<string>(JOB_EVENT_TYPES);

/**
 * Folds job events into the scheduler's view of each job (its domain state). Idempotent by
 * event id: the inbox table remembers every event applied, so a redelivered or duplicated
 * event, or one the dispatcher already applied when it wrote it, changes nothing.
 */
@Injectable()
export class JobStateProjector {
  readonly schema: string;

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
        await this.apply(manager, envelope.id, envelope.accountId, envelope.jobId, envelope as unknown as JobEvent);
      }
    });
  }

  /** Applies one event unless it was applied before; returns the new state, or null for a duplicate. */
  async apply(manager: EntityManager, eventId: string, accountId: string, jobId: string, event: JobEvent): Promise<JobState | null> {
    if (!(await claimEvent(manager, this.schema, eventId))) return null;
    const [row] = await manager.query(`SELECT state FROM ${this.schema}.jobs WHERE account_id = $1 AND job_id = $2 FOR UPDATE`, [accountId, jobId]);
    const state = evolve((row?.state as JobState | undefined) ?? initialState(), { type: event.type, data: event.data } as JobEvent);
    if (!state.status) return state;
    const submitted = event.type === 'JobSubmitted' ? event.data : null;
    await manager.query(
      `INSERT INTO ${this.schema}.jobs (account_id, job_id, status, run_on, priority, submitted_at, worker, state)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (account_id, job_id) DO UPDATE SET status = EXCLUDED.status, worker = EXCLUDED.worker, state = EXCLUDED.state`,
      [accountId, jobId, state.status, submitted?.runOn ?? state.runOn, submitted?.priority ?? 0, submitted?.at ?? new Date().toISOString(), state.worker, JSON.stringify(state)],
    );
    return state;
  }
}
