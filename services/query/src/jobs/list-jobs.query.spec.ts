import { ApiError } from '@jobledger/platform';
import { encodeCursor, parseListJobsQuery } from './list-jobs.query';

function problems(raw: Record<string, unknown>) {
  try {
    parseListJobsQuery(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return ((error as ApiError).details as { field: string; rule: string }[]).map((p) => `${p.field}:${p.rule}`).sort();
  }
  throw new Error('expected a validation error');
}

describe('parseListJobsQuery', () => {
  it('defaults to the newest changes first, 100 a page', () => {
    expect(parseListJobsQuery({})).toEqual({ statuses: [], sort: '-lastModifiedAt', limit: 100, runbook: undefined, modifiedFrom: undefined, modifiedTo: undefined, after: undefined });
  });

  it('takes several statuses, a range, a sort and the cursor of the previous page', () => {
    const cursor = encodeCursor('createdAt', '2026-11-21 10:00:00.123+00', 'j9');
    expect(parseListJobsQuery({ status: 'Running,Failed', modifiedFrom: '2026-11-21T00:00:00Z', sort: 'createdAt', limit: '5', cursor })).toMatchObject({
      statuses: ['Running', 'Failed'],
      modifiedFrom: '2026-11-21T00:00:00Z',
      sort: 'createdAt',
      limit: 5,
      after: { value: '2026-11-21 10:00:00.123+00', id: 'j9' },
    });
  });

  it('names every bad parameter and the rule it broke', () => {
    expect(problems({ status: 'Runing', limit: '0', sort: 'name', modifiedTo: 'yesterday', colour: 'red' })).toEqual([
      'colour:unknown', 'limit:range', 'modifiedTo:format', 'sort:enum', 'status:enum',
    ]);
  });

  it('refuses a cursor of another sort or a made-up one', () => {
    expect(problems({ cursor: encodeCursor('createdAt', 'x', 'y') })).toEqual(['cursor:format']);
    expect(problems({ cursor: 'not-a-cursor' })).toEqual(['cursor:format']);
  });
});
