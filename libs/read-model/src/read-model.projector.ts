import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { JOB_EVENT_TYPES, initialState } from '@jobledger/domain';
import type { JobEvent, JobState } from '@jobledger/domain';
import { encodeEvent, evolveJobView } from '@jobledger/events';
import type { AnyEnvelope, JobView, OutputRecord, RunbookPublishedData } from '@jobledger/events';
import { claimEvent } from '@jobledger/platform';
import type { DecodedEvent } from '@jobledger/platform';
import { forgetJob, recordTimeline } from './job-timeline';
import { WORKER_EVENT_TYPES, projectWorkerEvent } from './worker-events.projection';

const JOB_TYPES: ReadonlySet<string> = new Set(JOB_EVENT_TYPES);

/**
 * The query service's read model: jobs (with each job's running SHA-256 over its lifecycle
 * events), their timeline, output and status entries, runbook versions, workers and worker
 * groups. The same code projects the live schema and a rebuild, so the two can be compared.
 * Each event is applied once per schema (the inbox remembers its id): a duplicate on the log
 * or a redelivery changes nothing. Runs inside the caller's transaction.
 */
export class ReadModelProjector {
  /** @param schema the quoted schema to write to */
  constructor(readonly schema: string) {}

  async apply(manager: EntityManager, events: DecodedEvent[]): Promise<void> {
    for (const { envelope, message } of events) {
      if (await claimEvent(manager, this.schema, envelope.id)) await this.applyOne(manager, envelope, message.value ?? encodeEvent(envelope));
    }
  }

  private async applyOne(manager: EntityManager, envelope: AnyEnvelope, bytes: Buffer): Promise<void> {
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
      await this.applyJobEvent(manager, envelope, bytes);
    } else if (WORKER_EVENT_TYPES.has(envelope.type)) {
      await projectWorkerEvent(manager, this.schema, envelope);
    }
  }

  private async applyJobEvent(manager: EntityManager, envelope: AnyEnvelope, bytes: Buffer): Promise<void> {
    const [row] = await manager.query(
      `SELECT view, state, event_count, log_sha256 FROM ${this.schema}.jobs WHERE account_id = $1 AND id = $2 FOR UPDATE`,
      [envelope.accountId, envelope.jobId],
    );
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
      `INSERT INTO ${this.schema}.jobs (account_id, id, view, state, status, runbook, last_modified_at, created_at, event_count, log_sha256)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (account_id, id) DO UPDATE SET view = EXCLUDED.view, state = EXCLUDED.state, status = EXCLUDED.status,
         last_modified_at = EXCLUDED.last_modified_at, event_count = EXCLUDED.event_count, log_sha256 = EXCLUDED.log_sha256`,
      [
        envelope.accountId, envelope.jobId, JSON.stringify(view), JSON.stringify(state), view.status, view.runbook,
        view.lastModifiedAt, view.createdAt, ((row?.event_count as number | undefined) ?? 0) + 1,
        chainSha256((row?.log_sha256 as string | null | undefined) ?? null, bytes),
      ],
    );
    // Delivered on commit: wakes the requests waiting for this job (JobWaiter).
    await manager.query(`SELECT pg_notify($1, $2)`, [jobChangesChannel(this.schema), JSON.stringify([envelope.accountId, envelope.jobId])]);
  }

  private async applyOutput(manager: EntityManager, envelope: AnyEnvelope, records: OutputRecord[]): Promise<void> {
    if (records.length === 0) return;
    const [removed] = await manager.query(`SELECT 1 FROM ${this.schema}.removed_jobs WHERE account_id = $1 AND job_id = $2`, [envelope.accountId, envelope.jobId]);
    if (removed) return;
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

/**
 * One step of a job's running SHA-256: the hex digest of the previous digest (empty for the
 * first event) followed by the event's bytes exactly as they are on the log.
 */
export function chainSha256(previous: string | null, eventBytes: Buffer): string {
  return createHash('sha256').update(previous ?? '').update(eventBytes).digest('hex');
}

/** The Postgres NOTIFY channel on which the projector announces changed jobs. */
export function jobChangesChannel(quotedSchema: string): string {
  return `${quotedSchema.replace(/"/g, '')}_job_changes`;
}
