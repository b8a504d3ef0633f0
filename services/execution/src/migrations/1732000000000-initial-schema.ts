import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@jobledger/platform';

export class InitialSchema1732000000000 implements MigrationInterface {
  name = 'InitialSchema1732000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`CREATE TABLE ${s}.runbook_versions (
      account_id text NOT NULL,
      name text NOT NULL,
      version integer NOT NULL,
      runtime text NOT NULL,
      source text NOT NULL,
      sha256 char(64) NOT NULL,
      PRIMARY KEY (account_id, name, version)
    )`);
    await queryRunner.query(`CREATE TABLE ${s}.job_specs (
      account_id text NOT NULL,
      job_id text NOT NULL,
      submitted jsonb NOT NULL,
      PRIMARY KEY (account_id, job_id)
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`DROP TABLE ${s}.job_specs`);
    await queryRunner.query(`DROP TABLE ${s}.runbook_versions`);
  }
}
