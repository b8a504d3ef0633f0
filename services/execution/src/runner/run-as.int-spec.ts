import { createRunbookRunner, type RunbookRunner } from './index';
import { request, runToEnd, values } from './testing/run-helpers';

const NOBODY = { uid: 65534, gid: 65534 };
// Switching users needs root (or CAP_SETUID/CAP_SETGID/CAP_KILL).
const asRoot = process.getuid?.() === 0 ? describe : describe.skip;

asRoot('runAs', () => {
  let runner: RunbookRunner;
  beforeAll(() => (runner = createRunbookRunner({ warmProcesses: 1, runAs: NOBODY })));
  afterAll(() => runner.close());

  it('runs a node runbook as the runAs user, who can neither read the worker environment nor signal the worker', async () => {
    const source = `import { readFileSync } from 'node:fs';
      const attempt = (f) => { try { f(); return 'allowed'; } catch (e) { return e.code; } };
      export default async () => ({
        uid: process.getuid(),
        environ: attempt(() => readFileSync('/proc/' + process.ppid + '/environ')),
        signal: attempt(() => process.kill(process.ppid, 0)),
      });`;
    const run = await runToEnd(runner, request('node', source));
    expect(run.outcome).toMatchObject({ kind: 'completed', result: { uid: 65534, environ: 'EACCES', signal: 'EPERM' } });
  });

  it('runs a shell runbook as the runAs user, with a checkpoint file it can write', async () => {
    const source = `id -u\ncat /proc/$PPID/environ > /dev/null 2>&1 && echo readable || echo denied\necho '{"ok":1}' > "$JOBLEDGER_CHECKPOINT_FILE"`;
    const run = await runToEnd(runner, request('shell', source));
    expect(run.outcome).toMatchObject({ kind: 'completed' });
    expect(values(run)).toEqual(['65534', 'denied']);
    expect(run.checkpoints).toEqual([{ ok: 1 }]);
  });
});
