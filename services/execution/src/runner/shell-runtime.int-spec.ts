import { createRunbookRunner, type RunbookRunner } from './index';
import { collectingHooks, eventually, isAlive, request, runToEnd, values } from './testing/run-helpers';

const GRACE_MS = 400;

describe('shell runtime', () => {
  let runner: RunbookRunner;
  beforeAll(() => (runner = createRunbookRunner({ warmProcesses: 0, stopGraceMs: GRACE_MS })));
  afterAll(() => runner.close());

  it('records stdout lines as Output and stderr lines as Error, and completes with null on exit code 0', async () => {
    const run = await runToEnd(runner, request('shell', `echo one\necho oops >&2\nprintf 'two\\nlast-without-newline'`, { startSeq: 5 }));
    expect(run.outcome).toEqual({ kind: 'completed', result: null, records: 4 });
    expect(values(run)).toEqual(['one', 'two', 'last-without-newline']);
    expect(values(run, 'Error')).toEqual(['oops']);
    expect(run.records.map((r) => r.seq).sort()).toEqual([5, 6, 7, 8]);
  });

  it('fails with RunbookError and the exit code on a non-zero exit', async () => {
    const run = await runToEnd(runner, request('shell', 'echo working\nexit 4'));
    expect(run.outcome).toEqual({ kind: 'failed', reason: { type: 'RunbookError', message: 'The script exited with code 4', source: 'runbook' }, records: 1 });
  });

  it('passes parameters as JOBLEDGER_PARAM_<NAME> and JOBLEDGER_PARAMETERS, and no worker environment', async () => {
    process.env.JOBLEDGER_TEST_SECRET = 'hunter2';
    const source = 'echo "$JOBLEDGER_PARAM_TARGET_HOST|$JOBLEDGER_PARAM_COUNT|$JOBLEDGER_PARAMETERS"\nenv | cut -d= -f1 | sort | tr "\\n" " "';
    const run = await runToEnd(runner, request('shell', source, { parameters: { 'target-host': 'db1', count: 3 } }));
    delete process.env.JOBLEDGER_TEST_SECRET;
    const [params, names] = values(run) as string[];
    expect(params).toBe('db1|3|{"target-host":"db1","count":3}');
    expect(names).not.toContain('JOBLEDGER_TEST_SECRET');
    expect(names.split(' ').filter((n) => n && !n.startsWith('JOBLEDGER_') && !['PWD', 'SHLVL', '_'].includes(n))).toEqual(['HOME', 'LANG', 'PATH']);
  });

  it('passes the resume state as JSON in JOBLEDGER_RESUME_STATE, empty when there is none', async () => {
    const source = 'echo "[$JOBLEDGER_RESUME_STATE]"';
    expect(values(await runToEnd(runner, request('shell', source, { resumeState: { step: 2 } })))).toEqual(['[{"step":2}]']);
    expect(values(await runToEnd(runner, request('shell', source)))).toEqual(['[]']);
  });

  it('hands every JSON line written to JOBLEDGER_CHECKPOINT_FILE to onCheckpoint, after the output before it', async () => {
    const source = `echo before\necho '{"step":1}' > "$JOBLEDGER_CHECKPOINT_FILE"\necho '{"step":2}' >> "$JOBLEDGER_CHECKPOINT_FILE"\nprintf '{"step":3}\\n{"step":4}\\n' > "$JOBLEDGER_CHECKPOINT_FILE"`;
    const seenAtCheckpoint: unknown[][] = [];
    const hooks = collectingHooks({ onCheckpoint: async () => void seenAtCheckpoint.push(values(hooks)) });
    const run = await runToEnd(runner, request('shell', source), { hooks });
    expect(run.outcome).toMatchObject({ kind: 'completed' });
    expect(run.checkpoints).toEqual([{ step: 1 }, { step: 2 }, { step: 3 }, { step: 4 }]);
    expect(seenAtCheckpoint[0]).toEqual(['before']);
  });

  it('fails with CheckpointTooLarge or InvalidCheckpoint for a bad checkpoint line', async () => {
    const big = `printf '{"big":"%0200d"}\\n' 0 > "$JOBLEDGER_CHECKPOINT_FILE"; sleep 5`;
    const tooLarge = await runToEnd(runner, request('shell', big, { limits: { maxCheckpointBytes: 100 } }));
    expect(tooLarge.outcome).toMatchObject({ kind: 'failed', reason: { type: 'CheckpointTooLarge', message: 'Checkpoint state is 210 bytes of JSON; the limit is 100 bytes' } });
    const invalid = await runToEnd(runner, request('shell', `echo 'step=1' > "$JOBLEDGER_CHECKPOINT_FILE"; sleep 5`));
    expect(invalid.outcome).toMatchObject({ kind: 'failed', reason: { type: 'InvalidCheckpoint' } });
  });

  it('fails with Timeout, OutputLimit or MemoryLimit when the script exceeds a limit', async () => {
    const timeout = await runToEnd(runner, request('shell', 'sleep 30', { limits: { timeoutMs: 300 } }));
    expect(timeout.outcome).toMatchObject({ kind: 'failed', reason: { type: 'Timeout' } });
    const flood = await runToEnd(runner, request('shell', 'yes flood', { limits: { maxOutputBytes: 100_000 } }));
    expect(flood.outcome).toMatchObject({ kind: 'failed', reason: { type: 'OutputLimit' } });
    const hog = 'x=$(head -c 200000000 /dev/zero | tr "\\0" a); sleep 10';
    const memory = await runToEnd(runner, request('shell', hog, { limits: { memoryMb: 64 } }));
    expect(memory.outcome).toMatchObject({ kind: 'failed', reason: { type: 'MemoryLimit', source: 'system' } });
  });

  it('fails with Crashed and the signal when the script is killed by a signal', async () => {
    const run = await runToEnd(runner, request('shell', 'kill -SEGV $$'));
    expect(run.outcome).toMatchObject({ kind: 'failed', reason: { type: 'Crashed', message: 'The script was killed by SIGSEGV' } });
  });

  it('fails with Crashed from the system when bash cannot be started', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const run = await runToEnd(runner, request('shell', 'echo never'));
      expect(run.outcome).toMatchObject({ kind: 'failed', reason: { type: 'Crashed', source: 'system', message: expect.stringMatching(/ENOENT/) } });
      expect(run.elapsedMs).toBeLessThan(2000);
    } finally {
      process.env.PATH = path;
    }
  });

  it('sends SIGTERM on stop so a trap can checkpoint, and ends as stopped', async () => {
    const source = `trap 'echo "{\\"at\\":\\"trap\\"}" > "$JOBLEDGER_CHECKPOINT_FILE"; exit 0' TERM\necho started\nsleep 30 & wait`;
    const stop = new AbortController();
    const hooks = collectingHooks({ onRecords: async () => stop.abort() });
    const run = await runToEnd(runner, request('shell', source), { signal: stop.signal, hooks });
    expect(run.outcome).toEqual({ kind: 'stopped', records: 1 });
    expect(run.checkpoints).toEqual([{ at: 'trap' }]);
    expect(run.elapsedMs).toBeLessThan(GRACE_MS);
  });

  it('kills the whole process group after the grace period when the script ignores SIGTERM', async () => {
    const source = `trap '' TERM\nsleep 300 &\necho $!\nwhile true; do sleep 0.05; done`;
    const stop = new AbortController();
    const hooks = collectingHooks({ onRecords: async () => stop.abort() });
    const run = await runToEnd(runner, request('shell', source), { signal: stop.signal, hooks });
    expect(run.outcome).toMatchObject({ kind: 'stopped' });
    expect(run.elapsedMs).toBeGreaterThanOrEqual(GRACE_MS);
    expect(await eventually(() => !isAlive(Number(values(run)[0])))).toBe(true);
  });

  it('leaves no background process of the script running after it exits', async () => {
    const run = await runToEnd(runner, request('shell', 'sleep 300 &\necho $!\n(sleep 301 & echo $!)\nexit 0'));
    const pids = values(run).map(Number);
    expect(pids).toHaveLength(2);
    expect(await eventually(() => pids.every((pid) => !isAlive(pid)))).toBe(true);
  });
});
