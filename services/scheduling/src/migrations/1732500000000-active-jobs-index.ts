import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@jobledger/platform';

/**
 * Every dispatch round counts each worker's and each account's active jobs and looks for jobs of
 * lost workers. `jobs_by_worker` held every job that ever ran (finished ones stay in the table),
 * and the per-account count had no index at all: a sequential scan of the whole table, several
 * times a second. `jobs_active` holds only the jobs that hold a slot.
 */
export class ActiveJobsIndex1732500000000 implements MigrationInterface {
  name = 'ActiveJobsIndex1732500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`CREATE INDEX jobs_active ON ${s}.jobs (worker, account_id) WHERE status IN ('Starting', 'Running', 'Suspending', 'Stopping')`);
    await queryRunner.query(`DROP INDEX ${s}.jobs_by_worker`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`CREATE INDEX jobs_by_worker ON ${s}.jobs (worker) WHERE worker IS NOT NULL`);
    await queryRunner.query(`DROP INDEX ${s}.jobs_active`);
  }
}
