import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from '@jobledger/platform';

/**
 * A dispatch round offers slots round robin across accounts. It ranked every waiting job to do so
 * (`jobs_waiting` held them by priority and age only): a sort of the whole queue, several times a
 * second — a millisecond with a few hundred queued jobs, seconds with a million. With the waiting
 * jobs indexed by account first, a round finds the accounts that have waiting jobs (one index probe
 * each) and reads each one's best jobs, as many as a round can place at most.
 */
export class WaitingByAccount1732600000000 implements MigrationInterface {
  name = 'WaitingByAccount1732600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(
      `CREATE INDEX jobs_waiting_by_account ON ${s}.jobs (account_id, priority DESC, submitted_at) WHERE status IN ('Queued', 'Resuming', 'RunningWaitingForResources')`,
    );
    await queryRunner.query(`DROP INDEX ${s}.jobs_waiting`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`CREATE INDEX jobs_waiting ON ${s}.jobs (priority DESC, submitted_at) WHERE status IN ('Queued', 'Resuming', 'RunningWaitingForResources')`);
    await queryRunner.query(`DROP INDEX ${s}.jobs_waiting_by_account`);
  }
}
