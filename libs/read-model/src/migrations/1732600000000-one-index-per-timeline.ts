import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@jobledger/platform';

/**
 * What a replay writes costs Postgres less (measured in docs/performance.md):
 * - The timeline and the status entries each keep one index instead of two. An event is always
 *   the same event of the same job at the same time, so a key that starts with the job (timeline)
 *   or the account and time (status entries) and ends with the event id finds a duplicate as the
 *   event id alone did, and is the index their readers use: a random uuid key was a second index
 *   inserted into at random, about a third of what writing these rows cost.
 * - A job's view and state are kept as the JSON text they are written in (`json`): nothing
 *   queries inside them, and parsing them into `jsonb` was a quarter of writing a job's row. The
 *   read API casts the view where it merges into it.
 */
export class OneIndexPerTimeline1732600000000 implements MigrationInterface {
  name = 'OneIndexPerTimeline1732600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`ALTER TABLE ${s}.job_history DROP CONSTRAINT job_history_pkey, ADD CONSTRAINT job_history_pkey PRIMARY KEY (account_id, job_id, event_id)`);
    await queryRunner.query(`DROP INDEX ${s}.job_history_by_job`);
    await queryRunner.query(
      `ALTER TABLE ${s}.status_entries DROP CONSTRAINT status_entries_pkey, ADD CONSTRAINT status_entries_pkey PRIMARY KEY (account_id, entered_at, event_id)`,
    );
    await queryRunner.query(`DROP INDEX ${s}.status_entries_by_time`);
    await queryRunner.query(`ALTER TABLE ${s}.jobs ALTER COLUMN view TYPE json USING view::json, ALTER COLUMN state TYPE json USING state::json`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`ALTER TABLE ${s}.jobs ALTER COLUMN view TYPE jsonb USING view::jsonb, ALTER COLUMN state TYPE jsonb USING state::jsonb`);
    await queryRunner.query(`CREATE INDEX status_entries_by_time ON ${s}.status_entries (account_id, entered_at)`);
    await queryRunner.query(`ALTER TABLE ${s}.status_entries DROP CONSTRAINT status_entries_pkey, ADD CONSTRAINT status_entries_pkey PRIMARY KEY (event_id)`);
    await queryRunner.query(`CREATE INDEX job_history_by_job ON ${s}.job_history (account_id, job_id, time)`);
    await queryRunner.query(`ALTER TABLE ${s}.job_history DROP CONSTRAINT job_history_pkey, ADD CONSTRAINT job_history_pkey PRIMARY KEY (event_id)`);
  }
}
