import { createRunbookRunner, type RunbookRunner } from './index';
import { eventually, isAlive, request, runToEnd } from './testing/run-helpers';

const NO_OP = `export default async () => null;`;
const JOBS = 8;

async function medianNoOpMs(runner: RunbookRunner): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < JOBS; i++) {
    await new Promise((resolve) => setTimeout(resolve, 150)); // lets the pool refill, as between real jobs
    times.push((await runToEnd(runner, request('node', NO_OP))).elapsedMs);
  }
  return times.sort((a, b) => a - b)[Math.floor(JOBS / 2)];
}

describe('warm node hosts', () => {
  it('runs a no-op job faster on a pre-forked host than on a cold one', async () => {
    const warm = createRunbookRunner({ warmProcesses: 2, maxJobsPerHost: 1 });
    const cold = createRunbookRunner({ warmProcesses: 0, maxJobsPerHost: 1 });
    try {
      const warmMs = await medianNoOpMs(warm);
      const coldMs = await medianNoOpMs(cold);
      console.log(`no-op node job, median of ${JOBS}: warm ${warmMs.toFixed(1)} ms, cold ${coldMs.toFixed(1)} ms`);
      expect(warmMs).toBeLessThan(coldMs);
    } finally {
      await Promise.all([warm.close(), cold.close()]);
    }
  }, 30_000);

  it('uses each host for one job only with maxJobsPerHost 1, so no state leaks between jobs', async () => {
    const runner = createRunbookRunner({ warmProcesses: 1, maxJobsPerHost: 1 });
    try {
      const source = `export default async () => { const seen = globalThis.previous ?? null; globalThis.previous = 'job state'; return { seen, pid: process.pid }; };`;
      const first = await runToEnd(runner, request('node', source));
      const second = await runToEnd(runner, request('node', source));
      const [a, b] = [first.outcome, second.outcome].map((o) => (o as { result: { seen: unknown; pid: number } }).result);
      expect(a.seen).toBeNull();
      expect(b.seen).toBeNull();
      expect(a.pid).not.toBe(b.pid);
      expect(isAlive(a.pid)).toBe(false);
    } finally {
      await runner.close();
    }
  });

  it('kills its idle hosts on close, fails running jobs with WorkerShutdown and refuses new ones', async () => {
    const runner = createRunbookRunner({ warmProcesses: 2 });
    const hostPids = await idleHostPids();
    const running = runToEnd(runner, request('node', `export default () => new Promise(() => {});`));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await runner.close();
    expect((await running).outcome).toMatchObject({ kind: 'failed', reason: { type: 'WorkerShutdown', source: 'system' } });
    expect(await eventually(() => hostPids().every((pid) => !isAlive(pid)))).toBe(true);
    await expect(runner.run(request('node', NO_OP), { onRecords: async () => {}, onCheckpoint: async () => {} }, new AbortController().signal)).rejects.toThrow('closed');
  });
});

/** Node processes started by this test process with `-e` (the runbook hosts). */
async function idleHostPids(): Promise<() => number[]> {
  const { readdirSync, readFileSync } = await import('node:fs');
  const mine = (): number[] =>
    readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .filter((pid) => {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid;
        } catch {
          return false;
        }
      })
      .map(Number);
  await eventually(() => mine().length >= 2);
  const pids = mine();
  expect(pids.length).toBeGreaterThanOrEqual(2);
  return () => pids.filter(isAlive);
}
