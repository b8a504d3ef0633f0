import { JsonLogger } from '@jobledger/platform';
import type { Infrastructure } from '@jobledger/platform';
import { READ_MODEL_MIGRATIONS as QUERY_MIGRATIONS, jobChangesChannel } from '@jobledger/read-model';
import { eventually, isolatedDatabase, testPlatformConfig } from '@jobledger/testing';
import type { IsolatedDatabase } from '@jobledger/testing';
import { QueryProjector } from '../projection/query.projector';
import { JobWaiter } from './job-waiter';

describe('JobWaiter against Postgres', () => {
  const config = testPlatformConfig('query');
  let db: IsolatedDatabase;
  let waiter: JobWaiter;
  let channel: string;

  beforeAll(async () => {
    db = await isolatedDatabase(config, QUERY_MIGRATIONS);
    const projector = new QueryProjector(db.dataSource, config);
    channel = jobChangesChannel(projector.schema);
    waiter = new JobWaiter(db.dataSource, projector, new JsonLogger('test', 'error'), { whenReady: () => Promise.resolve() } as Infrastructure);
    waiter.unlistenAfterMs = 300;
  });

  afterAll(async () => {
    await waiter.onApplicationShutdown();
    await db.drop();
  });

  /** What the waiter's connection last ran on the channel: LISTEN, UNLISTEN, or nothing yet. */
  async function lastOnChannel(): Promise<string | null> {
    const rows: { query: string }[] = await db.dataSource.query(
      `SELECT query FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query LIKE '%LISTEN "' || $1 || '"'`,
      [channel],
    );
    return rows.length === 0 ? null : rows[0].query.split(' ')[0];
  }

  const change = (accountId: string, jobId: string) => db.dataSource.query(`SELECT pg_notify($1, $2)`, [channel, JSON.stringify([accountId, jobId])]);

  const within = async (promise: Promise<void>, ms: number): Promise<number> => {
    const started = Date.now();
    await promise;
    const took = Date.now() - started;
    expect(took).toBeLessThan(ms);
    return took;
  };

  it('does not listen while no request waits and no stream watches', async () => {
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await lastOnChannel()).toBeNull();
  });

  it('wakes a waiter when its job changes once it listens, and one that came before the LISTEN took effect at once', async () => {
    // Registered before the LISTEN: woken when it takes effect, to look at its job again.
    await within(waiter.changed('acct', 'early', 10_000), 2_000);
    expect(await lastOnChannel()).toBe('LISTEN');
    const waiting = waiter.changed('acct', 'job-1', 10_000);
    await waiter.whenListening();
    await change('acct', 'job-1');
    await within(waiting, 2_000);
  });

  it('stops listening a while after the last waiter left, and listens again for the next one', async () => {
    await eventually(lastOnChannel, (last) => last === 'UNLISTEN');
    const seen: string[] = [];
    const unwatch = waiter.watch('acct', (jobId) => seen.push(jobId));
    await waiter.whenListening();
    expect(await lastOnChannel()).toBe('LISTEN');
    await change('acct', 'job-2');
    await change('other', 'job-3');
    await eventually(async () => [...seen], (ids) => ids.length > 0, 2_000);
    expect(seen).toEqual(['job-2']);
    unwatch();
    await eventually(lastOnChannel, (last) => last === 'UNLISTEN');
  });
});
