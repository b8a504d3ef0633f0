import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@jobledger/platform';
import { createWorkerGroupsTableSql } from '@jobledger/read-model';

export class WorkerGroups1732100000000 implements MigrationInterface {
  name = 'WorkerGroups1732100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(createWorkerGroupsTableSql(migrationSchema(queryRunner)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ${migrationSchema(queryRunner)}.worker_groups`);
  }
}
