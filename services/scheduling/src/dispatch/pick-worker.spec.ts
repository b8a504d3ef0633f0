import { pickWorker, placeJob } from './pick-worker';

describe('pickWorker', () => {
  const workers = [
    { workerId: 'a', group: 'default', free: 1 },
    { workerId: 'b', group: 'default', free: 3 },
    { workerId: 'h', group: 'hybrid', free: 5 },
    { workerId: 'full', group: 'gpu', free: 0 },
  ];

  it('gives an unpinned job the worker with the most free slots', () => {
    expect(pickWorker(workers, null)?.workerId).toBe('h');
  });

  it('keeps a pinned job inside its group', () => {
    expect(pickWorker(workers, 'default')?.workerId).toBe('b');
  });

  it('finds nothing when the group has no free slot', () => {
    expect(pickWorker(workers, 'gpu')).toBeUndefined();
    expect(pickWorker(workers, 'nowhere')).toBeUndefined();
  });
});

describe('placeJob', () => {
  const workers = [
    { workerId: 'a', group: 'default', free: 0 },
    { workerId: 'h', group: 'hybrid', free: 2 },
  ];

  it('assigns when a worker of the job’s group has a free slot', () => {
    expect(placeJob(workers, 'hybrid', true)).toMatchObject({ kind: 'assign', worker: { workerId: 'h' } });
  });

  it('keeps a job waiting, with the reason, while its group’s workers are all busy', () => {
    expect(placeJob(workers, 'default', true)).toEqual({
      kind: 'wait',
      reason: { message: 'waiting for a free slot on a live worker of group "default"', type: 'NoFreeWorker', source: 'scheduler' },
    });
  });

  it('fails a job pinned to a group with no live worker, naming the group', () => {
    const placement = placeJob(workers, 'gpu', true);
    expect(placement).toMatchObject({ kind: 'fail', reason: { type: 'NoLiveWorker', source: 'scheduler' } });
    expect(placement.kind === 'fail' && placement.reason.message).toContain('"gpu"');
  });

  it('does not fail a pinned job before the scheduler could have heard the workers, and says what it waits for', () => {
    const placement = placeJob(workers, 'gpu', false);
    expect(placement).toMatchObject({ kind: 'wait', reason: { type: 'NoLiveWorker', source: 'scheduler' } });
    expect(placement.kind === 'wait' && placement.reason.message).toContain('WORKER_GROUP=gpu');
  });

  it('never fails an unpinned job for want of workers, but says none is live', () => {
    expect(placeJob([], null, true)).toEqual({
      kind: 'wait',
      reason: { message: 'waiting: no live worker; start an execution worker', type: 'NoLiveWorker', source: 'scheduler' },
    });
  });
});
