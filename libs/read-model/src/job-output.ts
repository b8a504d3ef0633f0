import type { AnyEnvelope, OutputRecord } from '@jobledger/events';
import { jobKey, pgArray } from '@jobledger/platform';
import type { SqlStatement } from '@jobledger/platform';

/** Whether a JobOutputRecorded envelope carries any record. */
export function hasRecords(envelope: AnyEnvelope): boolean {
  return (envelope.data as { records: OutputRecord[] }).records.length > 0;
}

/** The statement that inserts the records of the envelopes whose job is not among `gone` (jobKey); null for none. */
export function outputInsert(schema: string, envelopes: readonly AnyEnvelope[], gone: ReadonlySet<string>): SqlStatement | null {
  const columns: (string | number | null)[][] = [[], [], [], [], [], [], []];
  for (const envelope of envelopes) {
    if (gone.has(jobKey(envelope.accountId, envelope.jobId as string))) continue;
    const actor = JSON.stringify(envelope.actor);
    for (const r of (envelope.data as { records: OutputRecord[] }).records) {
      [envelope.accountId, envelope.jobId as string, r.seq, r.stream, r.time, JSON.stringify(r.value ?? null), actor].forEach((value, i) => columns[i].push(value));
    }
  }
  if (columns[0].length === 0) return null;
  return {
    sql: `INSERT INTO ${schema}.job_output (account_id, job_id, seq, stream, time, value, actor)
     SELECT a, j, s, st, t, v::json, ac::json
     FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::timestamptz[], $6::text[], $7::text[]) AS u(a, j, s, st, t, v, ac)
     ON CONFLICT DO NOTHING`,
    params: columns.map(pgArray),
  };
}
