import { Client } from 'pg';
import { pgArray } from './pg-array';

/** Strings an array literal must carry unchanged: quotes, backslashes, JSON, control characters, braces, NULL-like text. */
const TRICKY = [
  '',
  'plain',
  'with "quotes" and \\backslashes\\',
  JSON.stringify({ a: 'x"y', b: 'c:\\temp\\new', c: [1, { d: null }], e: 'line\nbreak', f: '\u0001' }),
  'line\nbreak\tand\rreturn',
  '\u0001\u001f control',
  '{braces},commas',
  'NULL',
  'null',
  ' leading and trailing ',
  'emoji 🎉 and ünïcödé',
  '\\',
  '"',
];

describe('pgArray against Postgres', () => {
  const db = new Client({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/jobledger' });
  beforeAll(() => db.connect());
  afterAll(() => db.end());

  const roundTrip = async (values: (string | number | null)[], type: string) =>
    (await db.query<{ v: unknown[] }>(`SELECT $1::${type}[] AS v`, [pgArray(values)])).rows[0].v;

  it.each(TRICKY.map((s) => [s]))('carries %j unchanged in a text[]', async (value) => {
    expect(await roundTrip([value, 'next'], 'text')).toEqual([value, 'next']);
  });

  it('carries a whole batch of tricky strings, nulls and JSON unchanged, in order', async () => {
    const values = [...TRICKY, null, ...TRICKY.map((s) => JSON.stringify({ s }))];
    expect(await roundTrip(values, 'text')).toEqual(values);
  });

  it('carries integers, uuids and timestamps for typed unnest columns', async () => {
    expect(await roundTrip([1, 0, -7, null], 'int')).toEqual([1, 0, -7, null]);
    const ids = ['7f1d0c58-3f6e-4f5e-9a53-3d8e1f0b2a11', '00000000-0000-4000-8000-000000000001'];
    expect(await roundTrip(ids, 'uuid')).toEqual(ids);
    const [{ t }] = (await db.query<{ t: string[] }>(`SELECT array(SELECT to_char(x AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') FROM unnest($1::timestamptz[]) x) AS t`, [pgArray(['2026-11-21T10:00:00.123Z'])])).rows;
    expect(t).toEqual(['2026-11-21T10:00:00.123Z']);
  });

  it('is an empty array for no values', async () => {
    expect(await roundTrip([], 'text')).toEqual([]);
  });
});
