import { execFileSync } from 'node:child_process';
import { createRunbookRunner, type RunbookRunner } from './index';
import { eventually, isAlive, request, runToEnd, values } from './testing/run-helpers';

/** Reports where it ran; what it does besides depends on its parameters, so every job below shares one source. */
const PROBE = `
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
let moduleRuns = 0;
export default async (p, ctx) => {
  moduleRuns++;
  const seen = { pid: process.pid, cwd: process.cwd(), home: process.env.HOME, leftEnv: process.env.LEFT_BY_JOB ?? null,
    global: globalThis.leftByJob ?? null, moduleRuns, previousHomeExists: p.previousHome ? existsSync(p.previousHome) : null };
  if (p.pollute) { process.env.LEFT_BY_JOB = 'yes'; globalThis.leftByJob = 'yes'; }
  if (p.leaveFiles) { mkdirSync('sub'); writeFileSync('sub/left.txt', 'x'); writeFileSync('left.txt', 'x'); }
  if (p.timer) setTimeout(() => {}, 60_000);
  if (p.lateOutput) {
    const timer = setInterval(() => { ctx.output('late ctx output'); console.log('late console output'); }, 5);
    timer.unref();
  }
  if (p.write) { process.stdout.write('line one\\nunterminated'); process.stderr.write('to stderr\\n'); console.log('console'); }
  if (p.fork) {
    const sh = spawn('sh', ['-c', 'sleep 30 >/dev/null 2>&1 & echo $!'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    sh.stdout.on('data', (d) => (out += d));
    await new Promise((resolve) => sh.on('close', resolve));
    seen.forked = Number(out.trim());
  }
  if (p.forkLater) {
    // After the job ended, while its host waits for the next one: a process the next job's end must find.
    setTimeout(() => spawn('sh', ['-c', 'sleep 30 >/dev/null 2>&1 &'], { stdio: 'ignore' }), p.forkLater).unref();
  }
  if (p.fail) throw new Error('failed on purpose');
  if (p.exit) { ctx.output(process.pid); await new Promise((resolve) => setTimeout(resolve, 50)); process.exit(3); }
  if (p.wait) { ctx.output(process.pid); await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve)); }
  return seen;
};`;

interface Seen {
  pid: number;
  cwd: string;
  home: string;
  leftEnv: string | null;
  global: string | null;
  moduleRuns: number;
  previousHomeExists: boolean | null;
  forked?: number;
}

describe('node hosts kept for later jobs of the same account and runbook', () => {
  let runner: RunbookRunner;
  beforeEach(() => (runner = createRunbookRunner({ warmProcesses: 1, maxJobsPerHost: 3, keptHosts: 4 })));
  afterEach(() => runner.close());

  const probe = async (parameters: Record<string, unknown> = {}, overrides: { accountId?: string; source?: string } = {}) => {
    const run = await runToEnd(runner, request('node', overrides.source ?? PROBE, { parameters, accountId: overrides.accountId ?? 'account-1' }));
    return { run, seen: (run.outcome as { result?: Seen }).result as Seen };
  };

  it('runs the next job of the same account and source in the same host, with a fresh module, home and environment', async () => {
    const first = await probe({ pollute: true });
    const second = await probe({ previousHome: first.seen.home });
    expect(second.run.outcome.kind).toBe('completed');
    expect(second.seen.pid).toBe(first.seen.pid);
    expect(second.seen.moduleRuns).toBe(1); // a fresh instance of the module, not the first job's
    expect(second.seen.home).not.toBe(first.seen.home);
    expect(second.seen.cwd).toBe(second.seen.home);
    expect(second.seen.previousHomeExists).toBe(false); // the first job's home is removed
    const third = await probe({ leaveFiles: true });
    expect((await probe({ previousHome: third.seen.home })).seen.previousHomeExists).toBe(false); // with what the job left in it
    expect(second.seen.leftEnv).toBeNull(); // the environment is the clean one again
    // What a kept host does share, as a function's warm environment does: its global object.
    expect(second.seen.global).toBe('yes');
  });

  it('never shares a host between accounts or runbook sources', async () => {
    const first = await probe();
    const otherAccount = await probe({}, { accountId: 'account-2' });
    const otherSource = await probe({}, { source: `${PROBE}\n// version 2` });
    expect(new Set([first.seen.pid, otherAccount.seen.pid, otherSource.seen.pid]).size).toBe(3);
    expect((await probe()).seen.pid).toBe(first.seen.pid); // the first is still kept for its own
  });

  it('replaces a host after maxJobsPerHost jobs, and kills it', async () => {
    const pids: number[] = [];
    for (let i = 0; i < 4; i++) pids.push((await probe()).seen.pid);
    expect(pids.slice(0, 3)).toEqual([pids[0], pids[0], pids[0]]);
    expect(pids[3]).not.toBe(pids[0]);
    expect(await eventually(() => !isAlive(pids[0]))).toBe(true);
  });

  it('does not keep a host whose job left a timer running', async () => {
    const first = await probe({ timer: true });
    expect(first.run.outcome.kind).toBe('completed');
    expect((await probe()).seen.pid).not.toBe(first.seen.pid);
    expect(await eventually(() => !isAlive(first.seen.pid))).toBe(true);
  });

  it('does not keep a host whose job left a process behind (a double fork), and kills that process', async () => {
    const first = await probe({ fork: true });
    expect(first.seen.forked).toBeGreaterThan(0);
    expect(await eventually(() => !isAlive(first.seen.forked as number))).toBe(true);
    expect((await probe()).seen.pid).not.toBe(first.seen.pid);
  });

  it('does not keep a host in whose group a process appeared while it waited between jobs', async () => {
    const first = await probe({ forkLater: 100 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    const leftover = Number(execFileSync('pgrep', ['-g', String(first.seen.pid), '-f', 'sleep 30'], { encoding: 'utf8' }).trim().split('\n')[0]);
    expect(leftover).toBeGreaterThan(0);
    // Kept after the first job (nothing was left yet), so the second runs there; its end finds the process.
    expect((await probe()).seen.pid).toBe(first.seen.pid);
    expect(await eventually(() => !isAlive(leftover))).toBe(true);
    expect((await probe()).seen.pid).not.toBe(first.seen.pid);
  });

  it("keeps every line a job wrote to stdout and stderr in that job, the unterminated last one too", async () => {
    const first = await probe({ write: true });
    const second = await probe();
    expect(second.seen.pid).toBe(first.seen.pid);
    expect(values(first.run)).toEqual(expect.arrayContaining(['line one', 'unterminated', 'console']));
    expect(values(first.run)).toHaveLength(3);
    expect(values(first.run, 'Error')).toEqual(['to stderr']);
    expect(second.run.records).toEqual([]);
  });

  it('drops what an ended job still outputs, through its ctx or the console, instead of giving it to the next job', async () => {
    const first = await probe({ lateOutput: true });
    const second = await probe({ wait: false });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const third = await probe();
    expect(new Set([first.seen.pid, second.seen.pid, third.seen.pid]).size).toBe(1); // an unref'd timer keeps nothing alive
    expect(second.run.records).toEqual([]);
    expect(third.run.records).toEqual([]);
  });

  it('keeps the host of a job that failed by throwing, not of one whose process exited', async () => {
    const failed = await runToEnd(runner, request('node', PROBE, { parameters: { fail: true } }));
    expect(failed.outcome).toMatchObject({ kind: 'failed', reason: { type: 'RunbookError', message: 'failed on purpose' } });
    const after = await probe();
    const exited = await runToEnd(runner, request('node', PROBE, { parameters: { exit: true } }));
    expect(exited.outcome).toMatchObject({ kind: 'failed', reason: { type: 'Crashed' } });
    expect(values(exited)).toEqual([after.seen.pid]); // the host kept after the failure
    expect((await probe()).seen.pid).not.toBe(after.seen.pid);
  });

  it('does not keep the host of a stopped job', async () => {
    const stop = new AbortController();
    const stopped = runToEnd(runner, request('node', PROBE, { parameters: { wait: true } }), { signal: stop.signal });
    await new Promise((resolve) => setTimeout(resolve, 300));
    stop.abort();
    const run = await stopped;
    expect(run.outcome.kind).toBe('stopped');
    const [pid] = values(run) as number[];
    expect(await eventually(() => !isAlive(pid))).toBe(true);
    expect((await probe()).seen.pid).not.toBe(pid);
  });
});
