import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@jobledger/platform';

/** A job's timeline (every lifecycle event with its actor) and the dashboard's status entries. */
export class HistoryAndDashboard1732200000000 implements MigrationInterface {
  name = 'HistoryAndDashboard1732200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`CREATE TABLE ${s}.job_history (
      event_id uuid PRIMARY KEY,
      account_id text NOT NULL,
      job_id text NOT NULL,
      time timestamptz NOT NULL,
      type text NOT NULL,
      status text,
      actor jsonb NOT NULL,
      correlation_id text NOT NULL,
      data jsonb NOT NULL
    )`);
    await queryRunner.query(`CREATE INDEX job_history_by_job ON ${s}.job_history (account_id, job_id, time)`);
    await queryRunner.query(`ALTER TABLE ${s}.job_output ADD COLUMN actor jsonb`);
    await queryRunner.query(`CREATE TABLE ${s}.status_entries (
      event_id uuid PRIMARY KEY,
      account_id text NOT NULL,
      runbook text NOT NULL,
      status text NOT NULL,
      entered_at timestamptz NOT NULL
    )`);
    await queryRunner.query(`CREATE INDEX status_entries_by_time ON ${s}.status_entries (account_id, entered_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`DROP TABLE ${s}.status_entries`);
    await queryRunner.query(`ALTER TABLE ${s}.job_output DROP COLUMN actor`);
    await queryRunner.query(`DROP TABLE ${s}.job_history`);
  }
}
