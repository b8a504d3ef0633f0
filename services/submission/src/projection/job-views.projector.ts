import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JOB_EVENT_TYPES, initialState } from '@jobledger/domain';
import type { JobEvent, JobState } from '@jobledger/domain';
import { evolveJobView } from '@jobledger/events';
import type { AnyEnvelope, JobView } from '@jobledger/events';
import { PLATFORM_CONFIG, claimEventsStatement, jobKey, pgArray, queryTogether, quoteIdent, rowsByKey, serviceSchema } from '@jobledger/platform';
import type { DecodedEvent, PlatformConfig, SqlStatement } from '@jobledger/platform';

const JOB_TYPES = new Set<string>(JOB_EVENT_TYPES);

/**
 * Keeps each submitted job's view current from job-events, so that resubmitting a client id
 * returns the job as it is now. Idempotent by event id (inbox); a batch is one transaction of
 * two statements whatever its size: claim its events and lock its jobs' rows, evolve them in
 * memory in log order, write the changed ones back.
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
    const envelopes = events.map((e) => e.envelope).filter((e) => e.jobId && JOB_TYPES.has(e.type));
    if (envelopes.length === 0) return;
    await this.dataSource.transaction(async (manager) => {
      // One round trip: claim the events and lock the rows of their jobs (in key order).
      const [claimedRows, jobRows] = await queryTogether(manager, [claimEventsStatement(this.schema, envelopes.map((e) => e.id)), this.lockJobs(envelopes)]);
      const claimed = new Set(claimedRows.map((r) => r.id as string));
      // Each event once: claimed now (not applied by an earlier delivery), and not twice in this batch.
      const fresh = envelopes.filter((e) => claimed.delete(e.id.toLowerCase()));
      if (fresh.length === 0) return;
      const jobs = new Map((jobRows as unknown as ViewRow[]).map((row) => [jobKey(row.account_id, row.id), row]));
      const changed = new Set<ViewRow>();
      for (const envelope of fresh) {
        const row = jobs.get(jobKey(envelope.accountId, envelope.jobId as string));
        if (!row) continue; // a job another submission service took in
        const event = { type: envelope.type, data: envelope.data } as JobEvent;
        Object.assign(row, evolveJobView(row.view, row.state ?? initialState(), event, envelope.occurredAt));
        changed.add(row);
      }
      if (changed.size === 0) return;
      const rows = [...changed];
      await manager.query(
        `UPDATE ${this.schema}.jobs AS j SET view = u.view::jsonb, state = u.state::jsonb
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(account_id, id, view, state)
          WHERE j.account_id = u.account_id AND j.id = u.id`,
        [pgArray(rows.map((r) => r.account_id)), pgArray(rows.map((r) => r.id)), pgArray(rows.map((r) => JSON.stringify(r.view))), pgArray(rows.map((r) => JSON.stringify(r.state)))],
      );
    });
  }

  /** The statement that locks the rows of the batch's jobs that this service took in, in key order. */
  private lockJobs(envelopes: AnyEnvelope[]): SqlStatement {
    const pairs = [...new Map(envelopes.map((e) => [jobKey(e.accountId, e.jobId as string), [e.accountId, e.jobId as string]])).values()];
    return rowsByKey({ table: `${this.schema}.jobs`, key: [['account_id', 'text'], ['id', 'text']], keys: pairs, columns: 'account_id, id, view, state', forUpdate: true });
  }
}

interface ViewRow {
  account_id: string;
  id: string;
  view: JobView | null;
  state: JobState | null;
}
