import { decide } from './job-decide';
import { evolve } from './job-evolve';
import type { JobEvent } from './job-event';
import { AT, sampleCommand, sampleEvent, stateIn } from './testing/job-fixtures';

const fold = (status: Parameters<typeof stateIn>[0], ...events: JobEvent[]) => events.reduce(evolve, stateIn(status));

describe('a lost worker', () => {
  it('sends a running job to wait for resources, to resume from its last checkpoint', () => {
    const state = fold('Running', sampleEvent('JobCheckpointed'));
    const next = decide(sampleCommand('ReleaseJob'), state).reduce(evolve, state);
    expect(next).toMatchObject({ status: 'RunningWaitingForResources', worker: null, lastCheckpointId: 'c1', reason: { type: 'WorkerLost', source: 'system' } });
  });

  it('does not count as a fair-share unload', () => {
    const state = stateIn('Running');
    const next = decide(sampleCommand('ReleaseJob'), state).reduce(evolve, state);
    expect(next).toMatchObject({ fairShareUnloads: 0, unloadsSinceCheckpoint: 0 });
  });

  it('leaves a suspending job Suspended, as the user asked', () => {
    const withCheckpoint = fold('Running', sampleEvent('JobCheckpointed'), sampleEvent('JobSuspendRequested'));
    expect(decide(sampleCommand('ReleaseJob'), withCheckpoint).reduce(evolve, withCheckpoint)).toMatchObject({ status: 'Suspended', lastCheckpointId: 'c1' });
    const without = stateIn('Suspending');
    expect(decide(sampleCommand('ReleaseJob'), without).reduce(evolve, without).status).toBe('Suspended');
  });

  it('ends a stopping job Stopped: its process is gone', () => {
    const state = stateIn('Stopping');
    expect(decide(sampleCommand('ReleaseJob'), state).reduce(evolve, state).status).toBe('Stopped');
  });

  it('changes nothing when the job has moved to another worker', () => {
    expect(decide(sampleCommand('ReleaseJob', { worker: 'someone-else' }), stateIn('Running'))).toEqual([]);
    const stale = evolve(stateIn('Running'), { type: 'JobWorkerLost', data: { worker: 'someone-else', at: AT } });
    expect(stale.status).toBe('Running');
  });
});
