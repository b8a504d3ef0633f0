import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@jobledger/platform';

/**
 * The timeline's event data and actors, and output values, are kept as the JSON text they came in
 * (`json`) instead of decomposed (`jsonb`): nothing queries inside them, they are only read back
 * whole, and parsing them into jsonb was a quarter of what writing a timeline row cost Postgres.
 * A job's row stays jsonb (the read API merges into its view).
 */
export class TimelineAsWritten1732500000000 implements MigrationInterface {
  name = 'TimelineAsWritten1732500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.retype(queryRunner, 'json');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await this.retype(queryRunner, 'jsonb');
  }

  private async retype(queryRunner: QueryRunner, type: 'json' | 'jsonb'): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`ALTER TABLE ${s}.job_history ALTER COLUMN data TYPE ${type} USING data::${type}, ALTER COLUMN actor TYPE ${type} USING actor::${type}`);
    await queryRunner.query(`ALTER TABLE ${s}.job_output ALTER COLUMN value TYPE ${type} USING value::${type}, ALTER COLUMN actor TYPE ${type} USING actor::${type}`);
  }
}
