import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createProjectionPositionsTableSql, migrationSchema } from '@jobledger/platform';

/**
 * The specs projection keeps its positions here, written with what it projected: a worker can
 * tell a projection that is behind its assignment (wait) from a submission that is not on the
 * log (fail the job).
 */
export class SpecPositions1732400000000 implements MigrationInterface {
  name = 'SpecPositions1732400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(createProjectionPositionsTableSql(migrationSchema(queryRunner)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ${migrationSchema(queryRunner)}.projection_positions`);
  }
}
