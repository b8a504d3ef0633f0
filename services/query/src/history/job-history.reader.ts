import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '@jobledger/events';
import { ApiError } from '@jobledger/platform';
import { QueryProjector } from '../projection/query.projector';

export type HistoryItem =
  | { kind: 'event'; time: string; type: string; status: string; actor: Actor; correlationId: string; data: unknown }
  | { kind: 'record'; time: string; seq: number; stream: string; value: unknown; actor: Actor | null };

interface Row {
  time: Date;
  time_text: string;
  ord: number;
  key: string;
  kind: 'event' | 'record';
  type: string | null;
  status: string | null;
  stream: string | null;
  value: unknown;
  actor: Actor | null;
  correlation_id: string | null;
  data: unknown;
}

/** A job's timeline: its lifecycle events and its stream records, in time order, with actors. */
@Injectable()
export class JobHistoryReader {
  private readonly s: string;

  constructor(
    private readonly dataSource: DataSource,
    projector: QueryProjector,
  ) {
    this.s = projector.schema;
  }

  async page(accountId: string, jobId: string, limit: number, cursor: string | undefined): Promise<{ items: HistoryItem[]; nextCursor: string | null }> {
    const after = cursor === undefined ? ['-infinity', -1, ''] : decode(cursor);
    const rows: Row[] = await this.dataSource.query(
      `SELECT time, time::text AS time_text, ord, key, kind, type, status, stream, value, actor, correlation_id, data FROM (
         SELECT time, 0 AS ord, event_id::text AS key, 'event' AS kind, type, status, NULL AS stream, NULL::json AS value, actor, correlation_id, data
         FROM ${this.s}.job_history WHERE account_id = $1 AND job_id = $2
         UNION ALL
         SELECT time, 1, lpad(seq::text, 12, '0'), 'record', NULL, NULL, stream, value, actor, NULL, NULL
         FROM ${this.s}.job_output WHERE account_id = $1 AND job_id = $2
       ) timeline WHERE (time, ord, key) > ($3::timestamptz, $4::int, $5::text) ORDER BY time, ord, key LIMIT $6`,
      [accountId, jobId, after[0], after[1], after[2], limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toItem),
      nextCursor: rows.length > limit && last ? Buffer.from(JSON.stringify([last.time_text, last.ord, last.key])).toString('base64url') : null,
    };
  }
}

function toItem(row: Row): HistoryItem {
  const time = row.time.toISOString();
  if (row.kind === 'event') {
    return { kind: 'event', time, type: row.type as string, status: row.status as string, actor: row.actor as Actor, correlationId: row.correlation_id as string, data: row.data };
  }
  return { kind: 'record', time, seq: Number(row.key), stream: row.stream as string, value: row.value, actor: row.actor };
}

function decode(cursor: string): [string, number, string] {
  try {
    const [time, ord, key] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof time === 'string' && typeof ord === 'number' && typeof key === 'string') return [time, ord, key];
  } catch {
    // fall through to the error below
  }
  const message = 'cursor is not a cursor of this history; pass nextCursor from the previous page unchanged';
  throw new ApiError('VALIDATION_FAILED', message, [{ field: 'cursor', rule: 'format', message }]);
}
