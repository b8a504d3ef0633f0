import type { OutboxRelay } from '@jobledger/platform';
import type { EventContext } from '@jobledger/platform';
import { isolatedDatabase, testPlatformConfig } from '@jobledger/testing';
import type { IsolatedDatabase } from '@jobledger/testing';
import { SUBMISSION_MIGRATIONS } from '../migrations';
import { SubmitJobHandler } from './submit-job.handler';

const context: EventContext = { actor: { kind: 'apiKey', id: 'k1', role: 'operator' }, correlationId: 'c1', causationId: 'c1' };

describe('SubmitJobHandler against Postgres', () => {
  const config = testPlatformConfig('submission');
  let db: IsolatedDatabase;
  let handler: SubmitJobHandler;
  let kicks = 0;

  const publish = (name: string, version: number, runOn: string | null = null) =>
    db.dataSource.query(
      `INSERT INTO "${db.schema}".runbook_versions (account_id, name, version, runtime, source, sha256, run_on, created_at)
       VALUES ('acct-a', $1, $2, 'node', 'export default () => 1', repeat('b', 64), $3, now())`,
      [name, version, runOn],
    );
  const commands = async () =>
    (await db.dataSource.query(`SELECT key, value FROM "${db.schema}".outbox ORDER BY id`)).map((r: { key: string; value: Buffer }) => ({
      key: r.key,
      ...JSON.parse(r.value.toString()),
    }));
  const outcome = (settled: PromiseSettledResult<{ job: { id: string; status: string }; created: boolean }>) =>
    settled.status === 'fulfilled'
      ? { id: settled.value.job.id, created: settled.value.created }
      : { error: (settled.reason as { code?: string; message: string }).code ?? (settled.reason as Error).message };

  beforeAll(async () => {
    db = await isolatedDatabase(config, SUBMISSION_MIGRATIONS);
    handler = new SubmitJobHandler(db.dataSource, { kick: () => (kicks += 1) } as unknown as OutboxRelay, config);
    await publish('build', 1);
    await publish('build', 2, 'gpu');
    await publish('other', 1);
  });

  afterAll(() => db.drop());

  it('writes concurrent submissions as a group: each gets its own answer, each new job exactly one SubmitJob', async () => {
    await handler.handle('acct-a', { runbook: 'build', id: 'taken' }, context);
    await db.dataSource.query(`DELETE FROM "${db.schema}".outbox`);
    const query = jest.spyOn(db.dataSource, 'query');
    const settled = await Promise.allSettled([
      handler.handle('acct-a', { runbook: 'build', id: 'new-1' }, context),
      handler.handle('acct-a', { runbook: 'build', id: 'new-2', version: 1 }, context),
      handler.handle('acct-a', { runbook: 'build', id: 'new-1' }, context), // the same id and body again, in the same turn
      handler.handle('acct-a', { runbook: 'build', id: 'taken' }, context), // the same as before
      handler.handle('acct-a', { runbook: 'other', id: 'taken' }, context), // another body for a used id
      handler.handle('acct-a', { runbook: 'missing', id: 'nope' }, context),
      handler.handle('acct-a', { runbook: 'build', id: 'nope-2', version: 7 }, context),
    ]);
    expect(settled.map(outcome)).toEqual([
      { id: 'new-1', created: true },
      { id: 'new-2', created: true },
      { id: 'new-1', created: false },
      { id: 'taken', created: false },
      { error: 'JOB_ID_CONFLICT' },
      { error: 'RUNBOOK_NOT_FOUND' },
      { error: 'RUNBOOK_NOT_FOUND' },
    ]);
    // Two groups (the repeated id waits for the second), each one lookup and one write.
    expect(query).toHaveBeenCalledTimes(4);
    query.mockRestore();
    const written = await commands();
    expect(written.map((c: { key: string; type: string; data: { runbook: { version: number }; runOn: string | null } }) => [c.key, c.type, c.data.runbook.version, c.data.runOn])).toEqual([
      ['new-1', 'SubmitJob', 2, 'gpu'],
      ['new-2', 'SubmitJob', 1, null],
    ]);
    const jobs = await db.dataSource.query(`SELECT id FROM "${db.schema}".jobs ORDER BY id`);
    expect(jobs.map((j: { id: string }) => j.id)).toEqual(['new-1', 'new-2', 'taken']);
  });

  // The API refuses U+0000 before a handler sees it (body parsing); here it stands for any row Postgres refuses.
  it('fails only the submission that Postgres refuses, and writes the others of its group', async () => {
    await db.dataSource.query(`DELETE FROM "${db.schema}".outbox`);
    const settled = await Promise.allSettled([
      handler.handle('acct-a', { runbook: 'build', id: 'fine-1' }, context),
      handler.handle('acct-a', { runbook: 'build', id: 'refused', parameters: { text: 'a\u0000b' } }, context),
      handler.handle('acct-a', { runbook: 'build', id: 'fine-2' }, context),
    ]);
    expect(settled.map(outcome)).toEqual([{ id: 'fine-1', created: true }, { error: '22P05' }, { id: 'fine-2', created: true }]);
    expect((await commands()).map((c: { key: string }) => c.key)).toEqual(['fine-1', 'fine-2']);
  });
});
