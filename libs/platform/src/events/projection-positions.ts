import type { PositionStore } from '@jobledger/kafka';
import type { DataSource, EntityManager } from 'typeorm';

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
    // `stored` is read (and its row locked) by the SELECT before `moved` runs: a data-modifying WITH runs after the query that does not read it.
    const [row] = await manager.query(
      `WITH stored AS MATERIALIZED (
         SELECT next_offset FROM ${this.quotedSchema}.projection_positions WHERE consumer = $1 AND topic = $2 AND partition = $3 FOR UPDATE
       ), moved AS (
         INSERT INTO ${this.quotedSchema}.projection_positions (consumer, topic, partition, next_offset) VALUES ($1, $2, $3, $4)
         ON CONFLICT (consumer, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()
         WHERE ${this.quotedSchema}.projection_positions.next_offset < EXCLUDED.next_offset
       )
       SELECT (SELECT next_offset::text FROM stored) AS next`,
      [this.consumer, topic, partition, through.toString()],
    );
    return row.next === null ? 0n : BigInt(row.next as string);
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
