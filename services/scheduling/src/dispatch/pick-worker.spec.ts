import { pickWorker } from './pick-worker';

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
