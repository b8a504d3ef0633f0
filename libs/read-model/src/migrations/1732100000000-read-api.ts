import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@jobledger/platform';

/** Listing (filters, sort, keyset pages) and Receive-Job's cursor. */
export class ReadApi1732100000000 implements MigrationInterface {
  name = 'ReadApi1732100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`ALTER TABLE ${s}.jobs ADD COLUMN created_at timestamptz`);
    await queryRunner.query(`UPDATE ${s}.jobs SET created_at = (view->>'createdAt')::timestamptz`);
    await queryRunner.query(`ALTER TABLE ${s}.jobs ALTER COLUMN created_at SET NOT NULL`);
    await queryRunner.query(`CREATE INDEX jobs_by_created ON ${s}.jobs (account_id, created_at DESC)`);
    await queryRunner.query(`CREATE INDEX jobs_by_runbook ON ${s}.jobs (account_id, runbook, last_modified_at DESC)`);
    // Not a projection of events: Receive-Job's position, kept apart so a rebuild never loses it.
    await queryRunner.query(`CREATE TABLE ${s}.receive_cursors (
      account_id text NOT NULL,
      job_id text NOT NULL,
      received_seq integer NOT NULL,
      PRIMARY KEY (account_id, job_id)
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`DROP TABLE ${s}.receive_cursors`);
    await queryRunner.query(`DROP INDEX ${s}.jobs_by_runbook`);
    await queryRunner.query(`DROP INDEX ${s}.jobs_by_created`);
    await queryRunner.query(`ALTER TABLE ${s}.jobs DROP COLUMN created_at`);
  }
}
