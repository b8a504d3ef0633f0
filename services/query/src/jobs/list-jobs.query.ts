import { JOB_STATUSES } from '@jobledger/domain';
import type { JobStatus } from '@jobledger/domain';
import { ApiError } from '@jobledger/platform';
import type { FieldProblem } from '@jobledger/platform';

export const SORTS = ['-lastModifiedAt', 'lastModifiedAt', '-createdAt', 'createdAt'] as const;
export type Sort = (typeof SORTS)[number];

export interface ListJobsQuery {
  runbook?: string;
  statuses: JobStatus[];
  modifiedFrom?: string;
  modifiedTo?: string;
  sort: Sort;
  limit: number;
  /** Where the previous page ended: the sort column's value and the job id. */
  after?: { value: string; id: string };
}

const PARAMS = ['runbook', 'status', 'modifiedFrom', 'modifiedTo', 'sort', 'limit', 'cursor'];
export const MAX_PAGE = 1000;

/** Parses GET /v1/jobs's query string; every problem is named with its parameter and rule. */
export function parseListJobsQuery(raw: Record<string, unknown>): ListJobsQuery {
  const problems: FieldProblem[] = [];
  const problem = (field: string, rule: string, message: string) => problems.push({ field, rule, message: `${field} ${message}` });
  for (const key of Object.keys(raw)) if (!PARAMS.includes(key)) problem(key, 'unknown', `is not a known parameter; allowed: ${PARAMS.join(', ')}`);
  const text = (key: string) => (typeof raw[key] === 'string' && raw[key] !== '' ? (raw[key] as string) : undefined);

  const statuses = (text('status') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const unknownStatuses = statuses.filter((s) => !(JOB_STATUSES as readonly string[]).includes(s));
  if (unknownStatuses.length > 0) problem('status', 'enum', `must be a comma list of ${JOB_STATUSES.join(', ')}; unknown: ${unknownStatuses.join(', ')}`);
  const time = (key: string) => {
    const value = text(key);
    if (value !== undefined && Number.isNaN(Date.parse(value))) problem(key, 'format', 'must be an ISO-8601 time, e.g. 2026-11-21T10:00:00Z');
    return value;
  };
  const sort = (text('sort') ?? '-lastModifiedAt') as Sort;
  if (!SORTS.includes(sort)) problem('sort', 'enum', `must be one of ${SORTS.join(', ')}`);
  const limit = Number(text('limit') ?? 100);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) problem('limit', 'range', `must be an integer from 1 to ${MAX_PAGE}`);
  const cursor = text('cursor');
  const after = cursor === undefined ? undefined : decodeCursor(cursor, sort);
  if (cursor !== undefined && !after) problem('cursor', 'format', 'is not a cursor of this listing and sort; pass nextCursor from the previous page unchanged');
  const query: ListJobsQuery = { runbook: text('runbook'), statuses: statuses as JobStatus[], modifiedFrom: time('modifiedFrom'), modifiedTo: time('modifiedTo'), sort, limit, after };
  if (problems.length > 0) throw new ApiError('VALIDATION_FAILED', problems.map((p) => p.message).join('; '), problems);
  return query;
}

/** An opaque cursor: the sort it belongs to, the sort value and the id of the page's last job. */
export function encodeCursor(sort: Sort, value: string, id: string): string {
  return Buffer.from(JSON.stringify([sort, value, id])).toString('base64url');
}

function decodeCursor(cursor: string, sort: Sort): { value: string; id: string } | undefined {
  try {
    const [cursorSort, value, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    return cursorSort === sort && typeof value === 'string' && typeof id === 'string' ? { value, id } : undefined;
  } catch {
    return undefined;
  }
}
