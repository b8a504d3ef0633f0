import { planDispatch } from './plan-dispatch';
import type { WaitingJob } from './plan-dispatch';

const job = (account: string, id: string, extra: Partial<WaitingJob> = {}): WaitingJob => ({
  account_id: account, job_id: id, run_on: null, wait_reason: null, status: 'Queued', ...extra,
});
const worker = (free: number) => [{ workerId: 'w1', group: 'default', free }];
const summary = (decisions: ReturnType<typeof planDispatch>) => decisions.map((d) => `${d.kind}:${d.job.job_id}`);

describe('planDispatch', () => {
  it('assigns in the order given until the slots run out; the rest keep the reason they were submitted with', () => {
    const decisions = planDispatch([job('a', 'a1'), job('b', 'b1'), job('a', 'a2')], worker(2), new Map(), { accountConcurrency: 0, mayFailPinned: true });
    expect(summary(decisions)).toEqual(['assign:a1', 'assign:b1']);
  });

  it('says when a job waits for a free slot again after it waited for something else', () => {
    const quota = "waiting: the account's concurrency quota of 1 running jobs is reached";
    const decisions = planDispatch([job('a', 'a1', { wait_reason: quota })], worker(0), new Map(), { accountConcurrency: 0, mayFailPinned: true });
    expect(decisions).toEqual([
      { kind: 'wait', job: expect.objectContaining({ job_id: 'a1' }), reason: { message: 'waiting for a free slot on a live worker', type: 'NoFreeWorker', source: 'scheduler' } },
    ]);
  });

  it('says when no worker is live, and not again while that holds', () => {
    const decisions = planDispatch([job('a', 'a1')], [], new Map(), { accountConcurrency: 0, mayFailPinned: true });
    expect(decisions).toEqual([expect.objectContaining({ kind: 'wait', reason: expect.objectContaining({ type: 'NoLiveWorker' }) })]);
    const recorded = decisions[0].kind === 'wait' ? decisions[0].reason.message : '';
    expect(planDispatch([job('a', 'a1', { wait_reason: recorded })], [], new Map(), { accountConcurrency: 0, mayFailPinned: true })).toEqual([]);
  });

  it('queues a job over its account’s concurrency quota with a reason, while other accounts go on', () => {
    const decisions = planDispatch([job('a', 'a1'), job('a', 'a2'), job('b', 'b1')], worker(5), new Map([['a', 1]]), { accountConcurrency: 2, mayFailPinned: true });
    expect(summary(decisions)).toEqual(['assign:a1', 'wait:a2', 'assign:b1']);
    expect(decisions[1]).toMatchObject({ reason: { type: 'AccountQuota', message: expect.stringContaining('quota of 2') } });
  });

  it('records a wait reason once', () => {
    const reason = "waiting: the account's concurrency quota of 1 running jobs is reached";
    const decisions = planDispatch([job('a', 'a1', { wait_reason: reason })], worker(1), new Map([['a', 1]]), { accountConcurrency: 1, mayFailPinned: true });
    expect(decisions).toEqual([]);
  });

  it('never records a wait reason for a job that is not Queued (it already has its status)', () => {
    expect(planDispatch([job('a', 'a1', { status: 'Resuming' })], worker(0), new Map(), { accountConcurrency: 0, mayFailPinned: true })).toEqual([]);
  });
});
