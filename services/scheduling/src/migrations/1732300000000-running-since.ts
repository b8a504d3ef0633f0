import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@jobledger/platform';

/** Since when a job has run continuously (this attempt), for fair share. */
export class RunningSince1732300000000 implements MigrationInterface {
  name = 'RunningSince1732300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`ALTER TABLE ${s}.jobs ADD COLUMN running_since timestamptz`);
    await queryRunner.query(`CREATE INDEX jobs_running ON ${s}.jobs (running_since) WHERE status = 'Running'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`DROP INDEX ${s}.jobs_running`);
    await queryRunner.query(`ALTER TABLE ${s}.jobs DROP COLUMN running_since`);
  }
}
