import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createProjectionPositionsTableSql, migrationSchema } from '@jobledger/platform';
import { createWorkerGroupsTableSql, createWorkersTableSql } from '../worker-events.projection';

/**
 * Exactly-once projection (positions stored with the projection), each job's running SHA-256
 * over its lifecycle events in log order, and the workers and worker groups read model.
 */
export class Replay1732300000000 implements MigrationInterface {
  name = 'Replay1732300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(createProjectionPositionsTableSql(s));
    await queryRunner.query(`ALTER TABLE ${s}.jobs ADD COLUMN event_count integer NOT NULL DEFAULT 0`);
    await queryRunner.query(`ALTER TABLE ${s}.jobs ADD COLUMN log_sha256 char(64)`);
    await queryRunner.query(`ALTER TABLE ${s}.jobs DROP COLUMN output_count`);
    // Output travels on its own topic, so it may arrive after the job was removed: the tombstone keeps it out.
    await queryRunner.query(`CREATE TABLE ${s}.removed_jobs (account_id text NOT NULL, job_id text NOT NULL, PRIMARY KEY (account_id, job_id))`);
    await queryRunner.query(createWorkersTableSql(s));
    await queryRunner.query(createWorkerGroupsTableSql(s));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`DROP TABLE ${s}.worker_groups`);
    await queryRunner.query(`DROP TABLE ${s}.workers`);
    await queryRunner.query(`DROP TABLE ${s}.removed_jobs`);
    await queryRunner.query(`ALTER TABLE ${s}.jobs ADD COLUMN output_count integer NOT NULL DEFAULT 0`);
    await queryRunner.query(`ALTER TABLE ${s}.jobs DROP COLUMN log_sha256`);
    await queryRunner.query(`ALTER TABLE ${s}.jobs DROP COLUMN event_count`);
    await queryRunner.query(`DROP TABLE ${s}.projection_positions`);
  }
}
