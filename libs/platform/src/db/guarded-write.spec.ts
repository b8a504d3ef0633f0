import { guardedWrite } from './guarded-write';

describe('guardedWrite', () => {
  it('checks the row count of every guarded part in one final division, and leaves unguarded parts out of it', () => {
    const { sql, params } = guardedWrite([
      { statement: { sql: 'UPDATE a SET x = $1 WHERE v = $2 RETURNING 1', params: [1, 7] }, rows: 3 },
      { statement: { sql: 'INSERT INTO b SELECT $1 ON CONFLICT DO NOTHING', params: ['b'] } },
      { statement: { sql: 'SELECT pg_notify($1, n) FROM unnest($2::text[]) AS n', params: ['c', '{x,y}'] }, rows: 2 },
    ]);
    expect(sql).toBe(
      'WITH w1 AS (UPDATE a SET x = $1 WHERE v = $2 RETURNING 1), w2 AS (INSERT INTO b SELECT $3 ON CONFLICT DO NOTHING), ' +
        'w3 AS (SELECT pg_notify($4, n) FROM unnest($5::text[]) AS n) ' +
        'SELECT 1 / ((SELECT count(*) FROM w1) = 3 AND (SELECT count(*) FROM w3) = 2)::int AS written',
    );
    expect(params).toEqual([1, 7, 'b', 'c', '{x,y}']);
  });

  it('divides by true when nothing is guarded, and refuses no parts', () => {
    expect(guardedWrite([{ statement: { sql: 'INSERT INTO b VALUES (1)', params: [] } }]).sql).toBe('WITH w1 AS (INSERT INTO b VALUES (1)) SELECT 1 / (true)::int AS written');
    expect(() => guardedWrite([])).toThrow('at least one part');
  });
});
