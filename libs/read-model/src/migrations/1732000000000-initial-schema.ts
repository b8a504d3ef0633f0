import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createInboxTableSql, migrationSchema } from '@jobledger/platform';

export class InitialSchema1732000000000 implements MigrationInterface {
  name = 'InitialSchema1732000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`CREATE TABLE ${s}.jobs (
      account_id text NOT NULL,
      id text NOT NULL,
      view jsonb NOT NULL,
      state jsonb NOT NULL,
      status text NOT NULL,
      runbook text NOT NULL,
      last_modified_at timestamptz NOT NULL,
      output_count integer NOT NULL DEFAULT 0,
      PRIMARY KEY (account_id, id)
    )`);
    await queryRunner.query(`CREATE INDEX jobs_by_modified ON ${s}.jobs (account_id, last_modified_at DESC)`);
    await queryRunner.query(`CREATE TABLE ${s}.job_output (
      account_id text NOT NULL,
      job_id text NOT NULL,
      seq integer NOT NULL,
      stream text NOT NULL,
      time timestamptz NOT NULL,
      value jsonb,
      PRIMARY KEY (account_id, job_id, seq)
    )`);
    await queryRunner.query(`CREATE TABLE ${s}.runbook_versions (
      account_id text NOT NULL,
      name text NOT NULL,
      version integer NOT NULL,
      runtime text NOT NULL,
      source text NOT NULL,
      sha256 char(64) NOT NULL,
      run_on text,
      description text,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (account_id, name, version)
    )`);
    await queryRunner.query(createInboxTableSql(s));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    for (const table of ['inbox', 'runbook_versions', 'job_output', 'jobs']) await queryRunner.query(`DROP TABLE ${s}.${table}`);
  }
}
