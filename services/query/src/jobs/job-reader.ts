import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { JobView, OutputRecord, StreamName } from '@jobledger/events';
import { ApiError } from '@jobledger/platform';
import { QueryProjector } from '../projection/query.projector';
import { encodeCursor } from './list-jobs.query';
import type { ListJobsQuery } from './list-jobs.query';

export interface RunbookSource {
  runbook: string;
  version: number;
  runtime: string;
  sha256: string;
  source: string;
}

const SORT_COLUMNS = { lastModifiedAt: 'last_modified_at', createdAt: 'created_at' } as const;

@Injectable()
export class JobReader {
  private readonly s: string;

  constructor(
    private readonly dataSource: DataSource,
    projector: QueryProjector,
  ) {
    this.s = projector.schema;
  }

  /** The job's view with `hasMoreData`: records exist past its Receive-Job cursor. */
  private get viewSql(): string {
    return `j.view::jsonb || jsonb_build_object('hasMoreData', EXISTS (
        SELECT 1 FROM ${this.s}.job_output o WHERE o.account_id = j.account_id AND o.job_id = j.id AND o.seq > COALESCE(c.received_seq, 0)
      )) AS view
      FROM ${this.s}.jobs j LEFT JOIN ${this.s}.receive_cursors c ON c.account_id = j.account_id AND c.job_id = j.id`;
  }

  async job(accountId: string, id: string): Promise<JobView> {
    const [row] = await this.dataSource.query(`SELECT ${this.viewSql} WHERE j.account_id = $1 AND j.id = $2`, [accountId, id]);
    if (!row) throw new ApiError('JOB_NOT_FOUND', `job "${id}" was not found in this account`, { id });
    return row.view;
  }

  /** One page, in keyset order (stable while jobs change), with the cursor of the next page. */
  async list(accountId: string, query: ListJobsQuery): Promise<{ items: JobView[]; nextCursor: string | null }> {
    const descending = query.sort.startsWith('-');
    const column = `j.${SORT_COLUMNS[query.sort.replace('-', '') as keyof typeof SORT_COLUMNS]}`;
    const params: unknown[] = [accountId];
    const where = ['j.account_id = $1'];
    const add = (sql: string, value: unknown) => (params.push(value), where.push(sql.replace('?', `$${params.length}`)));
    if (query.runbook) add('j.runbook = ?', query.runbook);
    if (query.statuses.length > 0) add('j.status = ANY(?::text[])', query.statuses);
    if (query.modifiedFrom) add('j.last_modified_at >= ?::timestamptz', query.modifiedFrom);
    if (query.modifiedTo) add('j.last_modified_at < ?::timestamptz', query.modifiedTo);
    if (query.after) {
      params.push(query.after.value, query.after.id);
      where.push(`(${column}, j.id) ${descending ? '<' : '>'} ($${params.length - 1}::timestamptz, $${params.length})`);
    }
    const order = descending ? 'DESC' : 'ASC';
    const rows: { view: JobView; sort_value: string; id: string }[] = await this.dataSource.query(
      `SELECT ${column}::text AS sort_value, j.id, ${this.viewSql} WHERE ${where.join(' AND ')} ORDER BY ${column} ${order}, j.id ${order} LIMIT ${query.limit + 1}`,
      params,
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    const nextCursor = rows.length > query.limit && last ? encodeCursor(query.sort, last.sort_value, last.id) : null;
    return { items: page.map((r) => r.view), nextCursor };
  }

  /** The exact runbook version the job ran, even after newer versions were published. */
  async source(accountId: string, id: string): Promise<RunbookSource> {
    const job = await this.job(accountId, id);
    const [row] = await this.dataSource.query(
      `SELECT name, version, runtime, sha256, source FROM ${this.s}.runbook_versions WHERE account_id = $1 AND name = $2 AND version = $3`,
      [accountId, job.runbook, job.runbookVersion],
    );
    if (!row) {
      throw new ApiError('SERVICE_UNAVAILABLE', `the source of ${job.runbook} v${job.runbookVersion} is not projected yet; retry shortly`, { runbook: job.runbook, version: job.runbookVersion });
    }
    return { runbook: row.name, version: row.version, runtime: row.runtime, sha256: row.sha256.trim(), source: row.source };
  }

  async output(accountId: string, jobId: string, after: number, streams: StreamName[], limit: number): Promise<OutputRecord[]> {
    return this.records(this.dataSource, accountId, jobId, after, streams, limit);
  }

  /**
   * Receive-Job: the records past the job's receive cursor, and the cursor moved past them;
   * with `keep`, every record from the start and the cursor left alone (Receive-Job -Keep).
   */
  async receive(accountId: string, jobId: string, keep: boolean, limit: number): Promise<{ records: OutputRecord[]; hasMoreData: boolean }> {
    await this.job(accountId, jobId);
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`INSERT INTO ${this.s}.receive_cursors (account_id, job_id, received_seq) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING`, [accountId, jobId]);
      const [{ received_seq: received }] = await manager.query(
        `SELECT received_seq FROM ${this.s}.receive_cursors WHERE account_id = $1 AND job_id = $2 FOR UPDATE`,
        [accountId, jobId],
      );
      const records = await this.records(manager, accountId, jobId, keep ? 0 : received, [], limit);
      const position = keep ? received : (records.at(-1)?.seq ?? received);
      if (!keep) await manager.query(`UPDATE ${this.s}.receive_cursors SET received_seq = $3 WHERE account_id = $1 AND job_id = $2`, [accountId, jobId, position]);
      const [{ more }] = await manager.query(`SELECT EXISTS (SELECT 1 FROM ${this.s}.job_output WHERE account_id = $1 AND job_id = $2 AND seq > $3) AS more`, [
        accountId,
        jobId,
        position,
      ]);
      return { records, hasMoreData: more };
    });
  }

  private async records(
    db: { query: DataSource['query'] },
    accountId: string,
    jobId: string,
    after: number,
    streams: StreamName[],
    limit: number,
  ): Promise<OutputRecord[]> {
    const rows = await db.query(
      `SELECT seq, stream, time, value FROM ${this.s}.job_output
       WHERE account_id = $1 AND job_id = $2 AND seq > $3 AND (cardinality($4::text[]) = 0 OR stream = ANY($4::text[]))
       ORDER BY seq LIMIT $5`,
      [accountId, jobId, after, streams, limit],
    );
    return rows.map((r: { seq: number; stream: StreamName; time: Date; value: unknown }) => ({ seq: r.seq, stream: r.stream, time: r.time.toISOString(), value: r.value }));
  }
}
