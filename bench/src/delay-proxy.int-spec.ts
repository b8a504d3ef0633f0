import { Client } from 'pg';
import { startDelayProxy } from './delay-proxy';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/jobledger';

async function meanRoundTripMs(url: string, n: number): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT 1');
    const started = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await client.query('SELECT $1::int AS n', [i]);
    return Number(process.hrtime.bigint() - started) / 1e6 / n;
  } finally {
    await client.end();
  }
}

describe('the bench’s delay proxy in front of Postgres', () => {
  it('answers as Postgres does, each round trip at least twice the delay later', async () => {
    const proxy = await startDelayProxy(DATABASE_URL, 5);
    try {
      const client = new Client({ connectionString: proxy.url });
      await client.connect();
      const { rows } = await client.query<{ sum: number }>('SELECT $1::int + $2::int AS sum', [2, 3]);
      await client.end();
      expect(rows).toEqual([{ sum: 5 }]);
      expect(await meanRoundTripMs(proxy.url, 20)).toBeGreaterThanOrEqual(10);
      expect(await meanRoundTripMs(DATABASE_URL, 20)).toBeLessThan(10);
    } finally {
      await proxy.close();
    }
  });
});
