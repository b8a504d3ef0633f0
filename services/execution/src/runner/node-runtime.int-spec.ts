import { createRunbookRunner, type RunbookRunner } from './index';
import { collectingHooks, request, runToEnd, values } from './testing/run-helpers';

describe('node runtime', () => {
  let runner: RunbookRunner;
  beforeAll(() => (runner = createRunbookRunner({ warmProcesses: 2 })));
  afterAll(() => runner.close());

  it('completes with the default export result and records every stream in seq order from startSeq', async () => {
    const source = `export default async (params, ctx) => {
      ctx.output({ n: 1 }); ctx.warning('careful'); ctx.error(new Error('bad thing'));
      ctx.verbose('chatty'); ctx.debug('dbg'); ctx.progress(50, 'halfway'); ctx.progress(100);
      console.log('via %s', 'console');
      return { answer: 42 };
    };`;
    const run = await runToEnd(runner, request('node', source, { startSeq: 101 }));
    expect(run.outcome).toEqual({ kind: 'completed', result: { answer: 42 }, records: 8 });
    expect(run.records.map((r) => [r.seq, r.stream, r.value])).toEqual([
      [101, 'Output', { n: 1 }],
      [102, 'Warning', 'careful'],
      [103, 'Error', 'bad thing'],
      [104, 'Verbose', 'chatty'],
      [105, 'Debug', 'dbg'],
      [106, 'Progress', { percent: 50, activity: 'halfway' }],
      [107, 'Progress', { percent: 100 }],
      [108, 'Output', 'via console'],
    ]);
    expect(run.records.every((r) => !Number.isNaN(Date.parse(r.time)))).toBe(true);
  });

  it('passes the parameters, ctx.job and ctx.resumeState to the runbook', async () => {
    const source = `export default async (params, ctx) => ({ params, job: ctx.job, resume: ctx.resumeState ?? 'none' });`;
    const req = request('node', source, { parameters: { name: 'x', count: 3 }, attempt: 2, resumeState: { step: 7 } });
    const resumed = await runToEnd(runner, req);
    expect(resumed.outcome).toMatchObject({ result: { params: { name: 'x', count: 3 }, job: { id: 'job-1', attempt: 2 }, resume: { step: 7 } } });
    const fresh = await runToEnd(runner, request('node', source));
    expect(fresh.outcome).toMatchObject({ result: { resume: 'none' } });
  });

  it('delivers records in batches, in seq order, not one call per record', async () => {
    const source = `export default async (p, ctx) => { for (let i = 0; i < 5000; i++) ctx.output(i); };`;
    const slow = collectingHooks({ onRecords: () => new Promise((resolve) => setTimeout(resolve, 5)) });
    const run = await runToEnd(runner, request('node', source), { hooks: slow });
    expect(run.outcome).toEqual({ kind: 'completed', result: null, records: 5000 });
    expect(run.records.map((r) => r.seq)).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1));
    expect(run.batches).toBeLessThan(50);
  });

  it('resolves ctx.checkpoint only after onCheckpoint resolved, after the records that preceded it', async () => {
    let persisted = false;
    const seenAtCheckpoint: unknown[] = [];
    const hooks = collectingHooks({
      onCheckpoint: async () => {
        seenAtCheckpoint.push(...values(hooks));
        await new Promise((resolve) => setTimeout(resolve, 300));
        persisted = true;
      },
      onRecords: async (records) => {
        if (records.some((r) => r.value === 'after')) expect(persisted).toBe(true);
      },
    });
    const source = `export default async (p, ctx) => {
      ctx.output('before'); const t = Date.now(); await ctx.checkpoint({ step: 1 }); ctx.output('after'); return Date.now() - t;
    };`;
    const run = await runToEnd(runner, request('node', source), { hooks });
    expect(run.checkpoints).toEqual([{ step: 1 }]);
    expect(seenAtCheckpoint).toEqual(['before']);
    expect((run.outcome as { result: number }).result).toBeGreaterThanOrEqual(250);
  });

  it('refuses a checkpoint larger than maxCheckpointBytes with a clear error', async () => {
    const source = `export default async (p, ctx) => {
      try { await ctx.checkpoint({ big: 'x'.repeat(200) }); } catch (e) { ctx.output(e.name + ': ' + e.message); }
      await ctx.checkpoint({ big: 'x'.repeat(200) });
    };`;
    const run = await runToEnd(runner, request('node', source, { limits: { maxCheckpointBytes: 100 } }));
    expect(values(run)).toEqual(['CheckpointTooLarge: Checkpoint state is 210 bytes of JSON; the limit is 100 bytes']);
    expect(run.outcome).toMatchObject({ kind: 'failed', reason: { type: 'CheckpointTooLarge', source: 'runbook' } });
    expect(run.checkpoints).toEqual([]);
  });

  it('fails with RunbookError and the message when the runbook throws', async () => {
    const run = await runToEnd(runner, request('node', `export default async () => { throw new Error('disk full'); };`));
    expect(run.outcome).toEqual({ kind: 'failed', reason: { type: 'RunbookError', message: 'disk full', source: 'runbook' }, records: 0 });
  });

  it('fails with InvalidRunbook on a syntax error, naming the line', async () => {
    const run = await runToEnd(runner, request('node', `export default async () => {\n  let x = ;\n};`));
    expect(run.outcome).toMatchObject({ kind: 'failed', reason: { type: 'InvalidRunbook', message: "Unexpected token ';' (line 2)" } });
  });

  it('fails with InvalidRunbook when there is no default export function or an import cannot be found', async () => {
    const noDefault = await runToEnd(runner, request('node', `export const x = 1;`));
    expect(noDefault.outcome).toMatchObject({ kind: 'failed', reason: { type: 'InvalidRunbook', message: expect.stringMatching(/default async function/) } });
    const missing = await runToEnd(runner, request('node', `import x from 'left-pad'; export default async () => x;`));
    expect(missing.outcome).toMatchObject({ kind: 'failed', reason: { type: 'InvalidRunbook', message: expect.stringMatching(/left-pad/) } });
  });

  it('fails with RunbookError when the result is not JSON-serializable', async () => {
    const run = await runToEnd(runner, request('node', `export default async () => 10n;`));
    expect(run.outcome).toMatchObject({ kind: 'failed', reason: { type: 'RunbookError', message: expect.stringMatching(/not JSON-serializable/) } });
  });

  it('gives the runbook none of the worker environment, a private HOME and cwd', async () => {
    process.env.JOBLEDGER_TEST_SECRET = 'hunter2';
    const source = `export default async () => ({ env: process.env, cwd: process.cwd() });`;
    const run = await runToEnd(runner, request('node', source));
    delete process.env.JOBLEDGER_TEST_SECRET;
    const { env, cwd } = (run.outcome as { result: { env: Record<string, string>; cwd: string } }).result;
    expect(Object.keys(env).sort()).toEqual(['HOME', 'LANG', 'PATH']);
    expect(JSON.stringify(env)).not.toContain('hunter2');
    expect(env.HOME).toMatch(/jobledger-run-/);
    expect(cwd).toBe(env.HOME);
  });
});
