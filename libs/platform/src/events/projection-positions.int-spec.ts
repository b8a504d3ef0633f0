import { randomUUID } from 'node:crypto';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { createDataSource, migrationSchema, runMigrations } from '../db/data-source';
import { ProjectionPositions, createProjectionPositionsTableSql } from './projection-positions';

class CreatePositions1732000000000 implements MigrationInterface {
  name = 'CreatePositions1732000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(createProjectionPositionsTableSql(migrationSchema(queryRunner)));
  }

  async down(): Promise<void> {}
}

describe('ProjectionPositions against Postgres', () => {
  // Its own schema (libs/testing depends on this lib, so it is not used here).
  const schemaName = `it_${randomUUID().slice(0, 8)}_positions`;
  const schema = `"${schemaName}"`;
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = createDataSource({
      url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/jobledger',
      schema: schemaName,
      migrations: [CreatePositions1732000000000],
      applicationName: 'positions-int-spec',
      poolSize: 4,
    });
    await dataSource.initialize();
    await runMigrations(dataSource);
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await dataSource.destroy();
  });

  it('claims from 0 when nothing is stored, then from what the last claim stored, and never moves back', async () => {
    const positions = new ProjectionPositions(dataSource, schema, 'claims');
    const claim = (through: bigint) => dataSource.transaction((m) => positions.claim(m, 'events', 0, through));
    expect(await claim(5n)).toBe(0n);
    expect(await claim(9n)).toBe(5n);
    expect(await claim(7n)).toBe(9n);
    expect(await positions.nextOffset('events', 0)).toBe('9');
    // Other partitions and consumers have positions of their own.
    expect(await dataSource.transaction((m) => positions.claim(m, 'events', 1, 3n))).toBe(0n);
    expect(await dataSource.transaction((m) => new ProjectionPositions(dataSource, schema, 'others').claim(m, 'events', 0, 2n))).toBe(0n);
  });

  it('claims several partitions in one statement, each from its own stored position, answering in the order asked', async () => {
    const positions = new ProjectionPositions(dataSource, schema, 'many');
    await dataSource.transaction((m) => positions.claim(m, 'events', 2, 7n));
    const froms = await dataSource.transaction((m) =>
      positions.claimMany(m, [
        { topic: 'output', partition: 0, through: 3n },
        { topic: 'events', partition: 2, through: 9n },
        { topic: 'events', partition: 0, through: 4n },
      ]),
    );
    expect(froms).toEqual([0n, 7n, 0n]);
    expect(await positions.nextOffset('events', 2)).toBe('9');
    expect(await positions.nextOffset('output', 0)).toBe('3');
    expect(await positions.nextOffset('events', 0)).toBe('4');
  });

  it('stores nothing when the claiming transaction rolls back', async () => {
    const positions = new ProjectionPositions(dataSource, schema, 'rollback');
    await dataSource.transaction((m) => positions.claim(m, 'events', 0, 4n));
    await expect(
      dataSource.transaction(async (m) => {
        await positions.claim(m, 'events', 0, 8n);
        throw new Error('the projection failed');
      }),
    ).rejects.toThrow('the projection failed');
    expect(await positions.nextOffset('events', 0)).toBe('4');
  });

  it('makes a second claimer wait for the first and then start from what the first stored', async () => {
    const positions = new ProjectionPositions(dataSource, schema, 'race');
    await dataSource.transaction((m) => positions.claim(m, 'events', 0, 1n));
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstClaimed!: () => void;
    const claimedByFirst = new Promise<void>((resolve) => (firstClaimed = resolve));
    const first = dataSource.transaction(async (m) => {
      const from = await positions.claim(m, 'events', 0, 6n);
      firstClaimed();
      await firstHolds;
      return from;
    });
    await claimedByFirst;
    let secondFrom: bigint | undefined;
    const second = dataSource.transaction((m) => positions.claim(m, 'events', 0, 6n)).then((from) => (secondFrom = from));
    await new Promise((r) => setTimeout(r, 300));
    expect(secondFrom).toBeUndefined(); // still waiting for the first's lock
    releaseFirst();
    expect(await first).toBe(1n);
    await second;
    // The second member applies nothing the first already applied.
    expect(secondFrom).toBe(6n);
  });
});
