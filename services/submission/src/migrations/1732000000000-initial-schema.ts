import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createOutboxTableSql, migrationSchema } from '@jobledger/platform';

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
      run_on text,
      description text,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (account_id, name, version)
    )`);
    await queryRunner.query(`CREATE TABLE ${s}.jobs (
      account_id text NOT NULL,
      id text NOT NULL,
      request_hash char(64) NOT NULL,
      submitted jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (account_id, id)
    )`);
    await queryRunner.query(`CREATE TABLE ${s}.api_keys (
      id text PRIMARY KEY,
      account_id text NOT NULL,
      role text NOT NULL CHECK (role IN ('reader', 'operator', 'admin', 'auditor')),
      key_hash char(64) NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz
    )`);
    await queryRunner.query(createOutboxTableSql(s));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    for (const table of ['outbox', 'api_keys', 'jobs', 'runbook_versions']) await queryRunner.query(`DROP TABLE ${s}.${table}`);
  }
}
