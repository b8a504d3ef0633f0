import { createRunbookRunner, type RunbookRunner } from './index';
import { collectingHooks, request, runToEnd, values } from './testing/run-helpers';

const PERSIST_MS = 400;

describe('checkpoints are durable before the runbook goes on, and output limits hold against a slow worker', () => {
  let runner: RunbookRunner;
  beforeAll(() => (runner = createRunbookRunner({ warmProcesses: 1 })));
  afterAll(() => runner.close());

  it('pauses a shell runbook after it writes a checkpoint until the checkpoint is persisted', async () => {
    let persistedAt = 0;
    const hooks = collectingHooks({
      onCheckpoint: async () => {
        await new Promise((r) => setTimeout(r, PERSIST_MS));
        persistedAt = Date.now();
      },
    });
    const script = `echo '{"step":1}' > "$JOBLEDGER_CHECKPOINT_FILE"\nnode -e 'console.log(Date.now())'`;
    const run = await runToEnd(runner, request('shell', script), { hooks });
    expect(run.outcome.kind).toBe('completed');
    expect(run.checkpoints).toEqual([{ step: 1 }]);
    const ranAt = Number(values(run)[0]);
    expect(ranAt).toBeGreaterThanOrEqual(persistedAt);
  });

  it('fails a node runbook that floods output without yielding with OutputLimit, even while the worker publishes slowly', async () => {
    const source = "export default async (p, ctx) => { for (;;) { ctx.output('x'.repeat(10000)); await null; } };";
    const hooks = collectingHooks({ onRecords: () => new Promise((r) => setTimeout(r, 200)) });
    const run = await runToEnd(runner, request('node', source, { limits: { maxOutputBytes: 1024 * 1024, timeoutMs: 20_000 } }), { hooks });
    expect(run.outcome).toMatchObject({ kind: 'failed', reason: { type: 'OutputLimit', source: 'system' } });
    expect(run.elapsedMs).toBeLessThan(10_000);
  }, 30_000);
});
