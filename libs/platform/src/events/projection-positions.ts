import type { PositionStore } from '@jobledger/kafka';
import type { DataSource, EntityManager } from 'typeorm';
import type { SqlStatement } from '../db/combined-statement';
import type { GuardedPart } from '../db/guarded-write';
import { pgArray } from '../db/pg-array';

/** SQL for the table where a service's projections keep their consumer positions. */
export function createProjectionPositionsTableSql(quotedSchema: string): string {
  return `CREATE TABLE ${quotedSchema}.projection_positions (
    consumer text NOT NULL,
    topic text NOT NULL,
    partition integer NOT NULL,
    next_offset bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, topic, partition)
  )`;
}

/**
 * A projection's position in the log, kept in its own schema and written in the same
 * transaction as what it projected: after a crash, the projection and its position agree, and
 * the consumer resumes exactly where the last committed transaction stopped.
 */
export class ProjectionPositions implements PositionStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly quotedSchema: string,
    private readonly consumer: string,
  ) {}

  async nextOffset(topic: string, partition: number): Promise<string | null> {
    const [row] = await this.dataSource.query(
      `SELECT next_offset::text AS next FROM ${this.quotedSchema}.projection_positions WHERE consumer = $1 AND topic = $2 AND partition = $3`,
      [this.consumer, topic, partition],
    );
    return (row?.next as string | undefined) ?? null;
  }

  /**
   * Locks the partition's position for this transaction and moves it forward to `through` (never
   * back), in one statement: the offset the caller applies from (0 when none was stored). What the
   * caller then writes commits with the new position, or neither does.
   */
  async claim(manager: EntityManager, topic: string, partition: number, through: bigint): Promise<bigint> {
    const [from] = await this.claimMany(manager, [{ topic, partition, through }]);
    return from;
  }

  /** `claim` for several partitions (each at most once) in one statement; the offsets to apply from, in the order given. */
  async claimMany(manager: EntityManager, claims: readonly { topic: string; partition: number; through: bigint }[]): Promise<bigint[]> {
    const p = `${this.quotedSchema}.projection_positions`;
    // `stored` is read (its rows locked, in key order) by the SELECT before `moved` runs: a data-modifying WITH runs after the query that does not read it.
    const rows: { next: string | null }[] = await manager.query(
      `WITH wanted AS (
         SELECT * FROM unnest($2::text[], $3::int[], $4::bigint[]) WITH ORDINALITY AS w(topic, partition, through, n)
       ), stored AS MATERIALIZED (
         SELECT topic, partition, next_offset FROM ${p}
          WHERE consumer = $1 AND (topic, partition) IN (SELECT topic, partition FROM wanted)
          ORDER BY topic, partition FOR UPDATE
       ), moved AS (
         INSERT INTO ${p} (consumer, topic, partition, next_offset) SELECT $1, topic, partition, through FROM wanted
         ON CONFLICT (consumer, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()
         WHERE ${p}.next_offset < EXCLUDED.next_offset
       )
       SELECT (SELECT s.next_offset::text FROM stored s WHERE s.topic = w.topic AND s.partition = w.partition) AS next FROM wanted w ORDER BY w.n`,
      [this.consumer, pgArray(claims.map((c) => c.topic)), pgArray(claims.map((c) => c.partition)), pgArray(claims.map((c) => c.through.toString()))],
    );
    return rows.map((row) => (row.next === null ? 0n : BigInt(row.next)));
  }

  /**
   * Reads the partitions' positions without locking them, for a write guarded by what it read
   * (`guardedAdvance`): rows `{ n, next }`, `n` the claim's index from 1, `next` null where none is stored.
   */
  readStatement(claims: readonly { topic: string; partition: number }[]): SqlStatement {
    return {
      sql: `SELECT w.n::int AS n, p.next_offset::text AS next
       FROM unnest($2::text[], $3::int[]) WITH ORDINALITY AS w(topic, partition, n)
       LEFT JOIN ${this.quotedSchema}.projection_positions p ON p.consumer = $1 AND p.topic = w.topic AND p.partition = w.partition`,
      params: [this.consumer, pgArray(claims.map((c) => c.topic)), pgArray(claims.map((c) => c.partition))],
    };
  }

  /**
   * The parts of a guarded write (guardedWrite) that move the positions forward to `through`
   * (never back) only where each is still the one read (`read`, null: none was stored): a member
   * that applied the same offsets meanwhile (two members briefly owning a partition in a rebalance)
   * fails the whole write.
   */
  guardedAdvance(claims: readonly { topic: string; partition: number; through: bigint }[], read: readonly (bigint | null)[]): GuardedPart[] {
    const p = `${this.quotedSchema}.projection_positions`;
    const stored = claims.map((c, i) => ({ ...c, read: read[i] })).filter((c) => c.read !== null);
    const fresh = claims.filter((_, i) => read[i] === null);
    const columns = (of: readonly { topic: string; partition: number; through: bigint }[]) => [
      pgArray(of.map((c) => c.topic)), pgArray(of.map((c) => c.partition)), pgArray(of.map((c) => c.through.toString())),
    ];
    const parts: GuardedPart[] = [];
    if (stored.length > 0) {
      parts.push({
        statement: {
          sql: `UPDATE ${p} AS t SET next_offset = GREATEST(t.next_offset, u.through), updated_at = now()
           FROM unnest($2::text[], $3::int[], $4::bigint[], $5::bigint[]) AS u(topic, partition, through, read)
           WHERE t.consumer = $1 AND t.topic = u.topic AND t.partition = u.partition AND t.next_offset = u.read RETURNING 1`,
          params: [this.consumer, ...columns(stored), pgArray(stored.map((c) => (c.read as bigint).toString()))],
        },
        rows: stored.length,
      });
    }
    if (fresh.length > 0) {
      parts.push({
        statement: {
          sql: `INSERT INTO ${p} (consumer, topic, partition, next_offset) SELECT $1, topic, partition, through
           FROM unnest($2::text[], $3::int[], $4::bigint[]) AS u(topic, partition, through) ON CONFLICT DO NOTHING RETURNING 1`,
          params: [this.consumer, ...columns(fresh)],
        },
        rows: fresh.length,
      });
    }
    return parts;
  }

  /** Moves the position forward in the caller's transaction; never back. */
  async advance(manager: EntityManager, topic: string, partition: number, nextOffset: bigint): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.quotedSchema}.projection_positions (consumer, topic, partition, next_offset) VALUES ($1, $2, $3, $4)
       ON CONFLICT (consumer, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()
       WHERE ${this.quotedSchema}.projection_positions.next_offset < EXCLUDED.next_offset`,
      [this.consumer, topic, partition, nextOffset.toString()],
    );
  }

  /** Every stored position of this consumer. */
  async all(manager: EntityManager | DataSource = this.dataSource): Promise<{ topic: string; partition: number; offset: string }[]> {
    return manager.query(
      `SELECT topic, partition, next_offset::text AS offset FROM ${this.quotedSchema}.projection_positions WHERE consumer = $1 ORDER BY topic, partition`,
      [this.consumer],
    );
  }
}
