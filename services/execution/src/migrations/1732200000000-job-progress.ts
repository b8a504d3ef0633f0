import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@jobledger/platform';

/** Where a job that runs again resumes: its last checkpoint and the last seq of its records. */
export class JobProgress1732200000000 implements MigrationInterface {
  name = 'JobProgress1732200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE ${migrationSchema(queryRunner)}.job_progress (
      account_id text NOT NULL,
      job_id text NOT NULL,
      last_seq integer NOT NULL DEFAULT 0,
      last_checkpoint jsonb,
      PRIMARY KEY (account_id, job_id)
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ${migrationSchema(queryRunner)}.job_progress`);
  }
}
