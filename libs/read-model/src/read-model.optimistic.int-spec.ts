import { Client } from 'pg';
import { eventually, isolatedDatabase, testPlatformConfig } from '@jobledger/testing';
import type { IsolatedDatabase } from '@jobledger/testing';
import { ProjectionPositions, applyOptimistically, quoteIdent } from '@jobledger/platform';
import type { DecodedEvent, OptimisticProjection } from '@jobledger/platform';
import type { AnyEnvelope } from '@jobledger/events';
import { PROJECTED_TABLES } from './compare-read-models';
import { READ_MODEL_MIGRATIONS } from './migrations';
import { ReadModelProjector, jobChangesChannel } from './read-model.projector';
import { asDelivered, jobLifecycle, outputRecorded, runbookPublished } from './testing/envelopes';

const CONSUMER = 'read-model-optimistic-test';

/** The fetch's one batch (one partition) as the consumer claims it: through the offset after its last event. */
const claimOf = (events: DecodedEvent[]) => [{ topic: 't', partition: 0, through: BigInt(events[events.length - 1].message.offset) + 1n }];

describe('ReadModelProjector applied optimistically (one read, one guarded write, no transaction)', () => {
  let optimistic: IsolatedDatabase;
  let locked: IsolatedDatabase;
  const projectorOf = (db: IsolatedDatabase) => new ReadModelProjector(quoteIdent(db.schema));
  const positionsOf = (db: IsolatedDatabase) => new ProjectionPositions(db.dataSource, quoteIdent(db.schema), CONSUMER);
  const tryOptimistic = (db: IsolatedDatabase, events: DecodedEvent[], projection: OptimisticProjection<AnyEnvelope> = projectorOf(db).optimistic()) =>
    applyOptimistically(db.dataSource, positionsOf(db), claimOf(events), [{ events }], projection);
  /** What ManagedConsumer's locked path does with a fetch. */
  const applyLocked = (db: IsolatedDatabase, events: DecodedEvent[]) =>
    db.dataSource.transaction(async (manager) => {
      const [from] = await positionsOf(db).claimMany(manager, claimOf(events));
      const fresh = events.filter((e) => BigInt(e.message.offset) >= from);
      if (fresh.length > 0) await projectorOf(db).apply(manager, fresh);
    });
  const rows = (db: IsolatedDatabase, table: string) => {
    const key = PROJECTED_TABLES.find((t) => t.table === table)?.key ?? [];
    return db.dataSource.query(`SELECT * FROM ${quoteIdent(db.schema)}.${table} ORDER BY ${key.join(', ')}`);
  };
  const position = async (db: IsolatedDatabase) => (await positionsOf(db).all()).map((p) => p.offset);

  beforeEach(async () => {
    optimistic = await isolatedDatabase(testPlatformConfig('query'), READ_MODEL_MIGRATIONS);
    locked = await isolatedDatabase(testPlatformConfig('query'), READ_MODEL_MIGRATIONS);
  });

  afterEach(async () => {
    await optimistic.drop();
    await locked.drop();
  });

  it('leaves every table and the position as the locked transaction does, fetch after fetch, and announces the jobs it changed', async () => {
    const a = jobLifecycle('j-a', 'Completed');
    const b = jobLifecycle('j-b', 'Stopped');
    const log = asDelivered([a[0], b[0], a[1], outputRecorded('j-a', [1, 2]), a[2], b[1], outputRecorded('j-a', [2, 3]), a[3], b[2], b[3], b[4]]);
    const fetches = [log.slice(0, 3), log.slice(3, 7), log.slice(7)];
    const listener = new Client({ connectionString: testPlatformConfig('query').databaseUrl });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(String(n.payload)));
    try {
      await listener.query(`LISTEN "${jobChangesChannel(quoteIdent(optimistic.schema))}"`);
      for (const fetch of fetches) {
        expect(await tryOptimistic(optimistic, fetch)).toEqual(fetch);
        await applyLocked(locked, fetch);
      }
      // A notification sent after the last write marks the end of what the channel carried.
      await optimistic.dataSource.query(`SELECT pg_notify($1, 'end')`, [jobChangesChannel(quoteIdent(optimistic.schema))]);
      await eventually(async () => heard, (h) => h.includes('end'), 5_000);
    } finally {
      await listener.end();
    }
    for (const { table } of PROJECTED_TABLES) expect({ table, rows: await rows(optimistic, table) }).toEqual({ table, rows: await rows(locked, table) });
    expect(await position(optimistic)).toEqual([String(log.length)]);
    const [jobA] = await optimistic.dataSource.query(`SELECT status, event_count FROM ${quoteIdent(optimistic.schema)}.jobs WHERE id = 'j-a'`);
    expect(jobA).toEqual({ status: 'Completed', event_count: 4 });
    // Each fetch announces each job it changed, once: both jobs, in each of the three.
    expect(heard.sort()).toEqual([...Array(3).fill('["acct-a","j-a"]'), ...Array(3).fill('["acct-a","j-b"]'), 'end']);
  });

  it('is idempotent when run twice: a fetch it applied is not fresh again, and the locked path then changes nothing', async () => {
    const events = asDelivered(jobLifecycle('j-twice', 'Completed'));
    expect(await tryOptimistic(optimistic, events)).toEqual(events);
    const before = await rows(optimistic, 'job_history');
    expect(await tryOptimistic(optimistic, events)).toBeUndefined(); // nothing past the position: the locked path's to store
    await applyLocked(optimistic, events);
    expect(await rows(optimistic, 'job_history')).toEqual(before);
    const [job] = await optimistic.dataSource.query(`SELECT event_count FROM ${quoteIdent(optimistic.schema)}.jobs WHERE id = 'j-twice'`);
    expect(job).toEqual({ event_count: 4 });
  });

  it('loses no race with another member applying the same fetch between its read and its write: nothing is written, and the events are applied once', async () => {
    const first = asDelivered(jobLifecycle('j-race', 'Completed'));
    await tryOptimistic(optimistic, first.slice(0, 2));
    const fetch = first.slice(2);
    // Another member owned the partition for a moment (a rebalance) and applied the same offsets.
    const raced = await raceThenWrite(optimistic, fetch, projectorOf(optimistic).optimistic(), () => applyLocked(optimistic, fetch));
    expect(raced).toBeUndefined();
    const [job] = await optimistic.dataSource.query(`SELECT status, event_count FROM ${quoteIdent(optimistic.schema)}.jobs WHERE id = 'j-race'`);
    expect(job).toEqual({ status: 'Completed', event_count: 4 });
    expect(await rows(optimistic, 'job_history')).toHaveLength(4);
    expect(await position(optimistic)).toEqual(['4']);
  });

  it("writes nothing when a job's row changed after it was read, and leaves the fetch to the locked path", async () => {
    const events = asDelivered(jobLifecycle('j-moved', 'Completed'));
    await tryOptimistic(optimistic, events.slice(0, 2));
    const schema = quoteIdent(optimistic.schema);
    // The row changes under the read (as another applier's write would), but not the position.
    const raced = await raceThenWrite(optimistic, events.slice(2), projectorOf(optimistic).optimistic(), () =>
      optimistic.dataSource.query(`UPDATE ${schema}.jobs SET event_count = event_count + 10 WHERE id = 'j-moved'`),
    );
    expect(raced).toBeUndefined();
    expect(await rows(optimistic, 'job_history')).toHaveLength(2); // all or nothing: the timeline took none of the fetch
    expect(await position(optimistic)).toEqual(['2']);
  });

  it('declines a fetch with events it cannot guard (a removal, a runbook, a bulk fetch), so the locked path applies them', async () => {
    const projector = projectorOf(optimistic).optimistic();
    expect(projector.reads(asDelivered(jobLifecycle('j-gone', 'Removed')))).toBeUndefined();
    expect(projector.reads(asDelivered([runbookPublished('rb', 1)]))).toBeUndefined();
    const bulk = asDelivered(Array.from({ length: 50 }, (_, i) => jobLifecycle(`j-${i}`, 'Completed')).flat());
    expect(projector.reads(bulk)).toBeUndefined();
    expect(projector.reads(bulk.slice(0, 8))).toHaveLength(3);
    expect(await tryOptimistic(optimistic, asDelivered(jobLifecycle('j-gone', 'Removed')))).toBeUndefined();
    expect(await rows(optimistic, 'jobs')).toEqual([]);
  });
});

/**
 * applyOptimistically with `race` run after the projection decided (its reads done) and before its
 * guarded write: what another writer does in that window.
 */
async function raceThenWrite(db: IsolatedDatabase, events: DecodedEvent[], projection: OptimisticProjection<AnyEnvelope>, race: () => Promise<unknown>): Promise<DecodedEvent[] | undefined> {
  const positions = new ProjectionPositions(db.dataSource, quoteIdent(db.schema), CONSUMER);
  const query = db.dataSource.query.bind(db.dataSource);
  let raced = false;
  const spy = jest.spyOn(db.dataSource, 'query').mockImplementation(async (...args: Parameters<typeof query>) => {
    if (!raced && args[0].includes('AS written')) {
      raced = true;
      await race();
    }
    return query(...args);
  });
  try {
    return await applyOptimistically(db.dataSource, positions, claimOf(events), [{ events }], projection);
  } finally {
    spy.mockRestore();
  }
}
