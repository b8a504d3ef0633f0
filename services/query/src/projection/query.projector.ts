import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { JOB_EVENT_TYPES, initialState } from '@jobledger/domain';
import type { JobEvent, JobState } from '@jobledger/domain';
import type { AnyEnvelope, JobView, OutputRecord, RunbookPublishedData } from '@jobledger/events';
import { PLATFORM_CONFIG, claimEvent, quoteIdent, serviceSchema } from '@jobledger/platform';
import type { DecodedEvent, PlatformConfig } from '@jobledger/platform';
import { evolveJobView } from '@jobledger/events';
import { forgetJob, recordTimeline } from './job-timeline';

const JOB_TYPES = new Set<string>(JOB_EVENT_TYPES);

/**
 * Projects jobs, their output and runbook versions into Postgres. A batch is one transaction;
 * each event is applied once (the inbox remembers its id), so redelivery changes nothing.
 */
@Injectable()
export class QueryProjector {
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
        if (await claimEvent(manager, this.schema, envelope.id)) await this.apply(manager, envelope);
      }
    });
  }

  private async apply(manager: EntityManager, envelope: AnyEnvelope): Promise<void> {
    if (envelope.type === 'RunbookPublished') {
      const d = envelope.data as RunbookPublishedData;
      await manager.query(
        `INSERT INTO ${this.schema}.runbook_versions (account_id, name, version, runtime, source, sha256, run_on, description, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
        [envelope.accountId, d.name, d.version, d.runtime, d.source, d.sha256, d.runOn, d.description, d.at],
      );
    } else if (envelope.type === 'JobOutputRecorded' && envelope.jobId) {
      await this.applyOutput(manager, envelope, (envelope.data as { records: OutputRecord[] }).records);
    } else if (JOB_TYPES.has(envelope.type) && envelope.jobId) {
      await this.applyJobEvent(manager, envelope);
    }
  }

  private async applyJobEvent(manager: EntityManager, envelope: AnyEnvelope): Promise<void> {
    const [row] = await manager.query(`SELECT view, state FROM ${this.schema}.jobs WHERE account_id = $1 AND id = $2 FOR UPDATE`, [envelope.accountId, envelope.jobId]);
    const event = { type: envelope.type, data: envelope.data } as JobEvent;
    const before = (row?.state as JobState | undefined) ?? initialState();
    const { view, state } = evolveJobView((row?.view as JobView | undefined) ?? null, before, event, envelope.occurredAt);
    if (!view) return;
    if (state.removed) {
      await forgetJob(manager, this.schema, envelope.accountId, envelope.jobId as string);
      return;
    }
    await recordTimeline(manager, this.schema, envelope, view.runbook, before.status, view.status);
    await manager.query(
      `INSERT INTO ${this.schema}.jobs (account_id, id, view, state, status, runbook, last_modified_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (account_id, id) DO UPDATE SET view = EXCLUDED.view, state = EXCLUDED.state, status = EXCLUDED.status, last_modified_at = EXCLUDED.last_modified_at`,
      [envelope.accountId, envelope.jobId, JSON.stringify(view), JSON.stringify(state), view.status, view.runbook, view.lastModifiedAt, view.createdAt],
    );
    // Delivered on commit: wakes the requests waiting for this job (JobWaiter).
    await manager.query(`SELECT pg_notify($1, $2)`, [jobChangesChannel(this.schema), JSON.stringify([envelope.accountId, envelope.jobId])]);
  }

  private async applyOutput(manager: EntityManager, envelope: AnyEnvelope, records: OutputRecord[]): Promise<void> {
    if (records.length === 0) return;
    const params: unknown[] = [envelope.accountId, envelope.jobId, JSON.stringify(envelope.actor)];
    const rows = records.map((r, i) => {
      params.push(r.seq, r.stream, r.time, JSON.stringify(r.value ?? null));
      const b = 3 + i * 4;
      return `($1, $2, $${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}::jsonb, $3::jsonb)`;
    });
    await manager.query(
      `INSERT INTO ${this.schema}.job_output (account_id, job_id, seq, stream, time, value, actor) VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING`,
      params,
    );
  }
}

/** The Postgres NOTIFY channel on which the projector announces changed jobs. */
export function jobChangesChannel(quotedSchema: string): string {
  return `${quotedSchema.replace(/"/g, '')}_job_changes`;
}
