import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createInboxTableSql, migrationSchema } from '@jobledger/platform';

/** A resubmitted job id answers with the job as it is now, folded from job-events. */
export class LiveJobViews1732200000000 implements MigrationInterface {
  name = 'LiveJobViews1732200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`ALTER TABLE ${s}.jobs ADD COLUMN view jsonb, ADD COLUMN state jsonb`);
    await queryRunner.query(createInboxTableSql(s));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`DROP TABLE ${s}.inbox`);
    await queryRunner.query(`ALTER TABLE ${s}.jobs DROP COLUMN view, DROP COLUMN state`);
  }
}
