import request from 'supertest';
import { startStack, waitForStatus } from './stack';
import type { Stack } from './stack';

const RUNBOOKS: Record<string, [runtime: 'node' | 'shell', source: string]> = {
  hangs: ['node', 'export default async () => { await new Promise(() => {}); };'],
  // Prints without end, yielding now and then like real work (a tight loop without yielding is covered by the runner's tests).
  floods: ['node', "export default async (p, ctx) => { for (;;) { ctx.output('x'.repeat(10000)); await new Promise((r) => setImmediate(r)); } };"],
  crashes: ['node', 'export default async () => { process.exit(7); };'],
  'reads-env': ['node', "export default async (p, ctx) => { ctx.output(Object.keys(process.env).filter((k) => k.startsWith('JOBLEDGER') || k.startsWith('KAFKA') || k.startsWith('DATABASE'))); };"],
  'shell-env': ['shell', 'echo "key=${JOBLEDGER_ADMIN_KEY:-none} db=${DATABASE_URL:-none}"'],
  'reads-worker': ['node', `import { readFileSync } from 'node:fs';
    const attempt = (f) => { try { f(); return 'allowed'; } catch (e) { return e.code; } };
    export default async (p, ctx) => {
      ctx.output({ environ: attempt(() => readFileSync('/proc/' + process.ppid + '/environ')), signal: attempt(() => process.kill(process.ppid, 0)) });
    };`],
  fine: ['node', "export default async (p, ctx) => { ctx.output('still here'); return 1; };"],
};

describe('the sandbox, end to end', () => {
  let stack: Stack;
  const auth = () => ({ Authorization: `Bearer ${stack.adminKey}` });
  const run = async (runbook: string) => {
    const job = (await request(stack.baseUrl).post('/v1/jobs').set(auth()).send({ runbook }).expect(201)).body;
    return waitForStatus(stack, job.id, ['Completed', 'Failed'], 30_000);
  };
  const outputOf = async (id: string) => {
    for (let i = 0; i < 30; i++) {
      const records = (await request(stack.baseUrl).get(`/v1/jobs/${id}/output`).set(auth())).body.records;
      if (records.length > 0) return records.map((r: { value: unknown }) => r.value);
      await new Promise((r) => setTimeout(r, 100));
    }
    return [];
  };

  beforeAll(async () => {
    stack = await startStack({ JOBLEDGER_RUN_TIMEOUT_MS: '2000', JOBLEDGER_RUN_MAX_OUTPUT_BYTES: String(256 * 1024) });
    for (const [name, [runtime, source]] of Object.entries(RUNBOOKS)) {
      await request(stack.baseUrl).post('/v1/runbooks').set(auth()).send({ name, runtime, source }).expect(201);
    }
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('fails a runbook that hangs with a reason naming the time limit', async () => {
    expect(await run('hangs')).toMatchObject({ status: 'Failed', reason: { type: 'Timeout', source: 'system' } });
  });

  it('fails a runbook that floods its output with a reason naming the output limit', async () => {
    expect(await run('floods')).toMatchObject({ status: 'Failed', reason: { type: 'OutputLimit', source: 'system' } });
  });

  it('fails a runbook whose process crashes, saying so', async () => {
    const job = await run('crashes');
    expect(job).toMatchObject({ status: 'Failed', reason: { type: 'Crashed' } });
    expect(job.reason.message).toContain('7');
  });

  it('shows runbooks none of the services’ environment or secrets', async () => {
    const node = await run('reads-env');
    expect(node.status).toBe('Completed');
    expect(await outputOf(node.id)).toEqual([[]]);
    const shell = await run('shell-env');
    expect(await outputOf(shell.id)).toEqual(['key=none db=none']);
  });

  // The tests run as root, where runbooks run as nobody by default (JOBLEDGER_RUNBOOK_USER).
  it('keeps runbooks from reading the worker’s environment through /proc or signalling it', async () => {
    const job = await run('reads-worker');
    expect(job.status).toBe('Completed');
    expect(await outputOf(job.id)).toEqual([{ environ: 'EACCES', signal: 'EPERM' }]);
  });

  it('keeps the worker running jobs after all of that', async () => {
    const job = await run('fine');
    expect(job.status).toBe('Completed');
    expect(await outputOf(job.id)).toEqual(['still here']);
  });
});
