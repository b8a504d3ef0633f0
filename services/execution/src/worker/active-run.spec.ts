import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transformSync } from '@swc/core';
import type { AnyEnvelope } from '@jobledger/events';
import { ActiveRun } from './active-run';

const event = (type: string, data: unknown = {}) => ({ type, data, accountId: 'acme', jobId: 'j1' }) as unknown as AnyEnvelope;

/** A report whose send is still on its way until `done` is called. */
function slowReport(): { report: () => Promise<void>; done: () => void } {
  let done = () => {};
  const sent = new Promise<void>((resolve) => (done = resolve));
  return { report: () => sent, done };
}

/**
 * Runs `driver` in a node process of its own with this module loaded as `ActiveRun`: Jest keeps
 * a test's rejections from the process, and what matters here is whether a worker process would
 * survive (Node ends a process on a rejection no one handled by the end of its turn).
 */
function runAlone(driver: string): { status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'active-run-'));
  try {
    const compiled = transformSync(readFileSync(join(__dirname, 'active-run.ts'), 'utf8'), {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    });
    writeFileSync(join(dir, 'active-run.js'), compiled.code);
    const script = `const { ActiveRun } = require(${JSON.stringify(join(dir, 'active-run.js'))});\n(async () => {\n${driver}\n})();`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 });
    return { status: child.status, stderr: child.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('ActiveRun.checkpoint', () => {
  it('resolves once the checkpoint is seen on the log, even when it is seen before the report returns', async () => {
    const run = new ActiveRun('acme', 'j1', false);
    const { report, done } = slowReport();
    const persisted = run.checkpoint('c1', 1_000, report);
    run.observe(event('JobCheckpointed', { checkpointId: 'c1' }));
    done();
    await expect(persisted).resolves.toBeUndefined();
    expect(run.hasCheckpoint).toBe(true);
  });

  it('rejects when the job is stopped while the report is still on its way', async () => {
    const run = new ActiveRun('acme', 'j1', false);
    const { report, done } = slowReport();
    const persisted = run.checkpoint('c1', 1_000, report);
    expect(run.observe(event('JobStopRequested'))).toBe(true);
    done();
    await expect(persisted).rejects.toThrow('the job ended before checkpoint c1 was persisted');
    expect(run.interruption).toBe('stop-requested');
  });

  it('rejects with the timeout when no confirmation comes, and with the report\'s error when it fails', async () => {
    const run = new ActiveRun('acme', 'j1', false);
    await expect(run.checkpoint('c1', 20, async () => {})).rejects.toThrow('checkpoint c1 was not confirmed within 20 ms');
    await expect(run.checkpoint('c2', 20, async () => Promise.reject(new Error('Kafka said no')))).rejects.toThrow('Kafka said no');
  });

  // Seen in the audit e2e: a stop arrived while a checkpoint's report was being sent, and both
  // workers' processes ended with "the job ended before checkpoint … was persisted".
  it('leaves no rejection unhandled for the process when a stop comes while the report is being sent, or the report fails', () => {
    const { status, stderr } = runAlone(`
      const stopped = { type: 'JobStopRequested', data: {}, accountId: 'acme', jobId: 'j1' };
      const run = new ActiveRun('acme', 'j1', false);
      let sent;
      const persisted = run.checkpoint('c1', 1000, () => new Promise((resolve) => (sent = resolve))).catch((e) => e.message);
      run.observe(stopped);
      await new Promise((r) => setTimeout(r, 20));
      sent();
      console.log(await persisted);
      const failed = await run.checkpoint('c2', 20, () => Promise.reject(new Error('Kafka said no'))).catch((e) => e.message);
      await new Promise((r) => setTimeout(r, 50));
      console.log(failed);
    `);
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });
});
