import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { JOB_EVENT_TYPES, initialState } from '@jobledger/domain';
import type { JobEvent } from '@jobledger/domain';
import { encodeEvent, evolveJobView } from '@jobledger/events';
import type { AnyEnvelope, OutputRecord, RunbookPublishedData } from '@jobledger/events';
import { claimEvents } from '@jobledger/platform';
import type { DecodedEvent } from '@jobledger/platform';
import { JobWrites, forgetJob, jobKey, loadJobRows } from './job-timeline';
import { WORKER_EVENT_TYPES, projectWorkerEvent } from './worker-events.projection';

const JOB_TYPES: ReadonlySet<string> = new Set(JOB_EVENT_TYPES);

/**
 * The query service's read model: jobs (with each job's running SHA-256 over its lifecycle
 * events), their timeline, output and status entries, runbook versions, workers and worker
 * groups. The same code projects the live schema and a rebuild, so the two can be compared.
 * Each event is applied once per schema (the inbox remembers its id): a duplicate on the log
 * or a redelivery changes nothing. Runs inside the caller's transaction. A batch's job events
 * are applied in memory and written with a few statements per batch (see JobWrites), in order.
 */
export class ReadModelProjector {
  /** @param schema the quoted schema to write to */
  constructor(readonly schema: string) {}

  async apply(manager: EntityManager, events: DecodedEvent[]): Promise<void> {
    const claimed = await claimEvents(manager, this.schema, events.map((e) => e.envelope.id));
    let jobEvents: DecodedEvent[] = [];
    for (const event of events) {
      if (!claimed.delete(event.envelope.id.toLowerCase())) continue;
      if (JOB_TYPES.has(event.envelope.type) && event.envelope.jobId) {
        jobEvents.push(event);
        continue;
      }
      await this.applyJobEvents(manager, jobEvents);
      jobEvents = [];
      await this.applyOther(manager, event.envelope);
    }
    await this.applyJobEvents(manager, jobEvents);
  }

  private async applyOther(manager: EntityManager, envelope: AnyEnvelope): Promise<void> {
    if (envelope.type === 'RunbookPublished') {
      const d = envelope.data as RunbookPublishedData;
      await manager.query(
        `INSERT INTO ${this.schema}.runbook_versions (account_id, name, version, runtime, source, sha256, run_on, description, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
        [envelope.accountId, d.name, d.version, d.runtime, d.source, d.sha256, d.runOn, d.description, d.at],
      );
    } else if (envelope.type === 'JobOutputRecorded' && envelope.jobId) {
      await this.applyOutput(manager, envelope, (envelope.data as { records: OutputRecord[] }).records);
    } else if (WORKER_EVENT_TYPES.has(envelope.type)) {
      await projectWorkerEvent(manager, this.schema, envelope);
    }
  }

  /** Job events, in log order: each job's row is read once (locked), evolved in memory, and written once. */
  private async applyJobEvents(manager: EntityManager, events: DecodedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const jobs = new Map(events.map(({ envelope }) => [jobKey(envelope.accountId, envelope.jobId as string), [envelope.accountId, envelope.jobId as string] as [string, string]]));
    const rows = await loadJobRows(manager, this.schema, [...jobs.values()]);
    const writes = new JobWrites(this.schema, jobChangesChannel(this.schema));
    for (const { envelope, message } of events) {
      const key = jobKey(envelope.accountId, envelope.jobId as string);
      const row = rows.get(key);
      const event = { type: envelope.type, data: envelope.data } as JobEvent;
      const before = row?.state ?? initialState();
      const { view, state } = evolveJobView(row?.view ?? null, before, event, envelope.occurredAt);
      if (!view) continue;
      if (state.removed) {
        await writes.flush(manager);
        await forgetJob(manager, this.schema, envelope.accountId, envelope.jobId as string);
        rows.delete(key);
        continue;
      }
      const next = {
        accountId: envelope.accountId,
        jobId: envelope.jobId as string,
        view,
        state,
        eventCount: (row?.eventCount ?? 0) + 1,
        logSha256: chainSha256(row?.logSha256 ?? null, message.value ?? encodeEvent(envelope)),
      };
      rows.set(key, next);
      writes.record(envelope, next, before.status);
    }
    await writes.flush(manager);
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
