import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createInboxTableSql, createOutboxTableSql, migrationSchema } from '@jobledger/platform';
import { createWorkersTableSql } from '@jobledger/read-model';

export class InitialSchema1732000000000 implements MigrationInterface {
  name = 'InitialSchema1732000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(createWorkersTableSql(s));
    await queryRunner.query(`CREATE TABLE ${s}.jobs (
      account_id text NOT NULL,
      job_id text NOT NULL,
      status text NOT NULL,
      run_on text,
      priority integer NOT NULL,
      submitted_at timestamptz NOT NULL,
      worker text,
      wait_reason text,
      state jsonb NOT NULL,
      PRIMARY KEY (account_id, job_id)
    )`);
    await queryRunner.query(`CREATE INDEX jobs_waiting ON ${s}.jobs (priority DESC, submitted_at) WHERE status IN ('Queued', 'Resuming', 'RunningWaitingForResources')`);
    await queryRunner.query(`CREATE INDEX jobs_by_worker ON ${s}.jobs (worker) WHERE worker IS NOT NULL`);
    await queryRunner.query(createInboxTableSql(s));
    await queryRunner.query(createOutboxTableSql(s));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    for (const table of ['outbox', 'inbox', 'jobs', 'workers']) await queryRunner.query(`DROP TABLE ${s}.${table}`);
  }
}
