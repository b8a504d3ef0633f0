import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@jobledger/platform';

/** The scheduler becomes each job's single writer: it keeps the job's API view beside its state. */
export class JobViews1732200000000 implements MigrationInterface {
  name = 'JobViews1732200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE ${migrationSchema(queryRunner)}.jobs ADD COLUMN view jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE ${migrationSchema(queryRunner)}.jobs DROP COLUMN view`);
  }
}
