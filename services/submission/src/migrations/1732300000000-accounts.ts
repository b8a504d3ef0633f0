import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@jobledger/platform';

/** Accounts (tenants); `default` is the bootstrap key's account and always exists. */
export class Accounts1732300000000 implements MigrationInterface {
  name = 'Accounts1732300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`CREATE TABLE ${s}.accounts (
      id text PRIMARY KEY,
      name text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await queryRunner.query(`INSERT INTO ${s}.accounts (id, name) VALUES ('default', 'default')`);
    await queryRunner.query(`CREATE INDEX api_keys_by_account ON ${s}.api_keys (account_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`DROP INDEX ${s}.api_keys_by_account`);
    await queryRunner.query(`DROP TABLE ${s}.accounts`);
  }
}
