import { combineStatements } from './combined-statement';

describe('combineStatements', () => {
  it('makes the statements before the last WITH queries and numbers every parameter after the ones before it', () => {
    const combined = combineStatements([
      { sql: 'INSERT INTO a (x, y) VALUES ($1, $2)', params: ['x', 'y'] },
      { sql: 'INSERT INTO b SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])', params: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
      { sql: 'SELECT pg_notify($1, $2)', params: ['channel', 'payload'] },
    ]);
    expect(combined.sql).toBe(
      'WITH w1 AS (INSERT INTO a (x, y) VALUES ($1, $2)), ' +
        'w2 AS (INSERT INTO b SELECT * FROM unnest($3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])) ' +
        'SELECT pg_notify($13, $14)',
    );
    expect(combined.params).toEqual(['x', 'y', 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 'channel', 'payload']);
  });

  it('gives one statement back as it is, and refuses none or a parameter with no value', () => {
    const one = { sql: 'SELECT $1', params: [1] };
    expect(combineStatements([one])).toBe(one);
    expect(() => combineStatements([])).toThrow('at least one statement');
    expect(() => combineStatements([{ sql: 'SELECT $2', params: [1] }, one])).toThrow('$2 has no parameter');
  });
});
