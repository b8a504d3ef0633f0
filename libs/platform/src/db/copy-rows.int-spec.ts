import { randomBytes } from 'node:crypto';
import { createDataSource } from './data-source';
import { copyRows } from './copy-rows';

/** Values COPY must carry unchanged: its own escape and separators, JSON, control characters, NULL-like text. */
const TRICKY = [
  '',
  'plain',
  'with "quotes" and \\backslashes\\',
  JSON.stringify({ a: 'x"y', b: 'c:\\temp\\new', e: 'line\nbreak', f: '\u0001' }),
  'line\nbreak\tand\rreturn',
  '\\N',
  'NULL',
  '\\.',
  '\\',
  'emoji 🎉 and ünïcödé',
];

describe('copyRows against Postgres', () => {
  const table = `copy_rows_${randomBytes(4).toString('hex')}`;
  const dataSource = createDataSource({ url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/jobledger', schema: 'public', migrations: [], applicationName: 'jobledger-int-test', poolSize: 2 });

  beforeAll(async () => {
    await dataSource.initialize();
    await dataSource.query(`CREATE TABLE ${table} (id int PRIMARY KEY, t text, j json, at timestamptz)`);
  });

  afterAll(async () => {
    await dataSource.query(`DROP TABLE IF EXISTS ${table}`);
    await dataSource.destroy();
  });

  it('writes every row of the transaction exactly as given, nulls and tricky text included', async () => {
    const rows = TRICKY.map((t, i) => [i, t, JSON.stringify({ t }), '2026-11-21T10:00:00.123Z']);
    await dataSource.transaction((m) => copyRows(m, table, ['id', 't', 'j', 'at'], [...rows, [TRICKY.length, null, null, null]]));
    const back: { id: number; t: string | null; j: { t: string } | null; at: Date | null }[] = await dataSource.query(`SELECT id, t, j, at FROM ${table} ORDER BY id`);
    expect(back.map((r) => r.t)).toEqual([...TRICKY, null]);
    expect(back.map((r) => r.j?.t ?? null)).toEqual([...TRICKY, null]);
    expect(back[0].at?.toISOString()).toBe('2026-11-21T10:00:00.123Z');
    expect(back[TRICKY.length].at).toBeNull();
  });

  it('sends many chunks of rows as one COPY: every row arrives once, whole, with multi-byte text across chunk boundaries', async () => {
    // ~300 characters a row, some multi-byte: 2,000 rows are ~10 chunks of 64 KiB.
    const rows = Array.from({ length: 2_000 }, (_, i) => [1_000 + i, `${i} ${'ü🎉\\\t'.repeat(i % 7)} ${'x'.repeat(280)}`]);
    await dataSource.transaction((m) => copyRows(m, table, ['id', 't'], rows));
    const back: { id: number; t: string }[] = await dataSource.query(`SELECT id, t FROM ${table} WHERE id >= 1000 ORDER BY id`);
    expect(back).toEqual(rows.map(([id, t]) => ({ id, t })));
  });

  it('rolls back with the transaction, and a row that is already there fails it with a unique violation', async () => {
    await expect(
      dataSource.transaction(async (m) => {
        await copyRows(m, table, ['id', 't'], [[100, 'new']]);
        await copyRows(m, table, ['id', 't'], [[0, 'again']]);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await dataSource.query(`SELECT id FROM ${table} WHERE id = 100`)).toEqual([]);
  });

  it('refuses to run outside a transaction, where its rows would commit on their own', async () => {
    await expect(copyRows(dataSource.manager, table, ['id'], [[200]])).rejects.toThrow(/inside a transaction/);
    const runner = dataSource.createQueryRunner();
    try {
      await expect(copyRows(runner.manager, table, ['id'], [[200]])).rejects.toThrow(/inside a transaction/);
    } finally {
      await runner.release();
    }
    expect(await dataSource.query(`SELECT id FROM ${table} WHERE id = 200`)).toEqual([]);
  });
});
