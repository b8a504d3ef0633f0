import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@jobledger/platform';

export class WorkerGroups1732100000000 implements MigrationInterface {
  name = 'WorkerGroups1732100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE ${migrationSchema(queryRunner)}.worker_groups (
      name text PRIMARY KEY,
      fair_share_seconds integer NOT NULL,
      rate_per_cpu_second double precision NOT NULL,
      cancel_while_running boolean NOT NULL,
      updated_at timestamptz NOT NULL
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ${migrationSchema(queryRunner)}.worker_groups`);
  }
}
