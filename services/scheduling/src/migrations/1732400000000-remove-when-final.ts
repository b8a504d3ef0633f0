import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@jobledger/platform';

/** A forced remove of a running job stops it first and removes it once it is final. */
export class RemoveWhenFinal1732400000000 implements MigrationInterface {
  name = 'RemoveWhenFinal1732400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE ${migrationSchema(queryRunner)}.jobs ADD COLUMN remove_when_final boolean NOT NULL DEFAULT false`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE ${migrationSchema(queryRunner)}.jobs DROP COLUMN remove_when_final`);
  }
}
