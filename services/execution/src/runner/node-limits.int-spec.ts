import { createRunbookRunner, type RunbookRunner } from './index';
import { collectingHooks, eventually, isAlive, request, runToEnd, values } from './testing/run-helpers';

const GRACE_MS = 400;

describe('node runtime limits, crashes and stop', () => {
  let runner: RunbookRunner;
  beforeAll(() => (runner = createRunbookRunner({ warmProcesses: 1, stopGraceMs: GRACE_MS })));
  afterAll(() => runner.close());

  it('fails with Timeout and kills the process when the wall-clock limit is reached', async () => {
    const run = await runToEnd(runner, request('node', `export default () => new Promise(() => {});`, { limits: { timeoutMs: 300 } }));
    expect(run.outcome).toMatchObject({ kind: 'failed', reason: { type: 'Timeout', source: 'system' } });
    expect(run.elapsedMs).toBeLessThan(2000);
  });

  it('fails with MemoryLimit when the V8 heap runs out', async () => {
    const source = `export default async () => { const a = []; for (;;) a.push(new Array(1e5).fill(Math.random())); };`;
    const run = await runToEnd(runner, request('node', source, { limits: { memoryMb: 64 } }));
    expect(run.outcome).toMatchObject({ kind: 'failed', reason: { type: 'MemoryLimit', message: 'Runbook exceeded its memory limit of 64 MiB' } });
  });

  it('fails with MemoryLimit when off-heap memory grows past the limit', async () => {
    const source = `export default async () => {
      const kept = []; for (;;) { kept.push(Buffer.alloc(32 << 20, 1)); await new Promise((r) => setTimeout(r, 20)); }
    };`;
    const run = await runToEnd(runner, request('node', source, { limits: { memoryMb: 64 } }));
    expect(run.outcome).toMatchObject({ kind: 'failed', reason: { type: 'MemoryLimit', source: 'system' } });
  });

  it('fails with OutputLimit when a runbook floods output in a tight loop', async () => {
    const source = `export default async (p, ctx) => { for (;;) ctx.output('x'.repeat(1000)); };`;
    const run = await runToEnd(runner, request('node', source, { limits: { maxOutputBytes: 200_000 } }));
    expect(run.outcome).toMatchObject({ kind: 'failed', reason: { type: 'OutputLimit', source: 'system' } });
    expect(run.records.length).toBeLessThanOrEqual(200);
  });

  it('fails with Crashed and the exit code when the runbook calls process.exit', async () => {
    const run = await runToEnd(runner, request('node', `export default async () => process.exit(3);`));
    expect(run.outcome).toMatchObject({ kind: 'failed', reason: { type: 'Crashed', message: expect.stringMatching(/exited with code 3/) } });
  });

  it('fails with Crashed when an exception is thrown outside the runbook promise', async () => {
    const source = `export default () => new Promise(() => setTimeout(() => { throw new Error('boom in a timer'); }, 10));`;
    const run = await runToEnd(runner, request('node', source));
    expect(run.outcome).toMatchObject({ kind: 'failed', reason: { type: 'Crashed', message: expect.stringMatching(/code 1/) } });
    expect(values(run, 'Error').join('\n')).toContain('boom in a timer');
  });

  it('fails with Crashed and the signal when the process dies of a signal', async () => {
    const run = await runToEnd(runner, request('node', `export default async () => process.kill(process.pid, 'SIGSEGV');`));
    expect(run.outcome).toMatchObject({ kind: 'failed', reason: { type: 'Crashed', message: expect.stringMatching(/killed by SIGSEGV/) } });
  });

  it('fires ctx.signal on stop and lets the runbook checkpoint before it ends as stopped', async () => {
    const source = `export default async (p, ctx) => {
      ctx.output('started');
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
      await ctx.checkpoint({ stoppedCleanly: true });
      return 'done anyway';
    };`;
    const stop = new AbortController();
    const hooks = collectingHooks({ onRecords: async () => stop.abort() });
    const run = await runToEnd(runner, request('node', source), { signal: stop.signal, hooks });
    expect(run.outcome).toEqual({ kind: 'stopped', records: 1 });
    expect(run.checkpoints).toEqual([{ stoppedCleanly: true }]);
    expect(run.elapsedMs).toBeLessThan(GRACE_MS);
  });

  it('kills a runbook that ignores ctx.signal after the grace period', async () => {
    const stop = new AbortController();
    const hooks = collectingHooks({ onRecords: async () => stop.abort() });
    const source = `export default async (p, ctx) => { ctx.output('started'); await new Promise((r) => setTimeout(r, 50)); for (;;) {} };`;
    const run = await runToEnd(runner, request('node', source), { signal: stop.signal, hooks });
    expect(run.outcome).toEqual({ kind: 'stopped', records: 1 });
    expect(run.elapsedMs).toBeGreaterThanOrEqual(GRACE_MS);
  });

  it('returns stopped without starting a runbook when the signal is already aborted', async () => {
    const run = await runToEnd(runner, request('node', `export default async (p, ctx) => ctx.output('ran');`), { signal: AbortSignal.abort() });
    expect(run.outcome).toEqual({ kind: 'stopped', records: 0 });
  });

  it.each([
    ['completes', `return 'ok';`],
    ['times out', `await new Promise(() => {});`],
    ['crashes', `process.exit(1);`],
  ])('leaves no process the runbook forked running after it %s', async (_, ending) => {
    const source = `import { spawn } from 'node:child_process';
      export default async (p, ctx) => {
        const child = spawn('sleep', ['300'], { stdio: 'ignore' }); child.unref();
        const detached = spawn('sleep', ['301'], { stdio: 'ignore', detached: false });
        ctx.output([child.pid, detached.pid]);
        await new Promise((r) => setTimeout(r, 50));
        ${ending}
      };`;
    const run = await runToEnd(runner, request('node', source, { limits: { timeoutMs: 500 } }));
    const pids = values(run)[0] as number[];
    expect(pids).toHaveLength(2);
    expect(await eventually(() => pids.every((pid) => !isAlive(pid)))).toBe(true);
  });

  it('keeps the worker alive and usable after runbooks forge IPC messages or abort', async () => {
    const forged = `export default async () => {
      process.send({ t: 'records', r: [['Nope', 'x', '1'], 'junk', ['Output', 'not a time', '{"ok":1}'], ['Output', null, '{broken']] });
      process.send({ t: 'checkpoint', id: 'x' }); process.send(null); process.send({ t: 'done', ok: false, type: 'Hack', message: 42 });
      await new Promise(() => {});
    };`;
    const run = await runToEnd(runner, request('node', forged));
    expect(run.outcome).toEqual({ kind: 'failed', reason: { type: 'RunbookError', message: 'The runbook failed', source: 'runbook' }, records: 1 });
    expect(values(run)).toEqual([{ ok: 1 }]);
    await runToEnd(runner, request('node', `export default async () => process.kill(process.ppid, 0) && process.abort();`));
    const after = await runToEnd(runner, request('node', `export default async () => 'still here';`));
    expect(after.outcome).toMatchObject({ kind: 'completed', result: 'still here' });
  });

  it('rejects the run when a hook fails, and kills the runbook', async () => {
    let pid = 0;
    const hooks = collectingHooks({
      onRecords: async (records) => {
        pid = records[0].value as number;
        throw new Error('kafka down');
      },
    });
    const source = `export default async (p, ctx) => { ctx.output(process.pid); await new Promise(() => {}); };`;
    await expect(runToEnd(runner, request('node', source), { hooks })).rejects.toThrow('kafka down');
    expect(await eventually(() => !isAlive(pid))).toBe(true);
  });
});
