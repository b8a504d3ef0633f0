import { initialState } from '@jobledger/domain';
import type { JobEvent, JobState } from '@jobledger/domain';
import type { JobView } from './job-view';
import { evolveJobView } from './job-view.evolve';

const t = (s: number) => `2026-11-21T10:00:0${s}.000Z`;

function fold(events: [JobEvent, string][]) {
  let view: JobView | null = null;
  let state: JobState = initialState();
  for (const [event, at] of events) ({ view, state } = evolveJobView(view, state, event, at));
  return view as JobView | null;
}

const submitted: JobEvent = {
  type: 'JobSubmitted',
  data: {
    jobId: 'j1', accountId: 'a', name: 'nightly', runbook: { name: 'r', version: 3, sha256: 'a'.repeat(64), runtime: 'node' },
    parameters: { x: 1 }, runOn: null, priority: 5, tags: ['t'], errorAction: 'continue', at: t(0),
  },
};

describe('evolveJobView', () => {
  it('starts a job Queued with its submission', () => {
    expect(fold([[submitted, t(0)]])).toMatchObject({ id: 'j1', name: 'nightly', runbook: 'r', runbookVersion: 3, status: 'Queued', priority: 5, createdAt: t(0) });
  });

  it('records the worker, start and end times through completion', () => {
    const view = fold([
      [submitted, t(0)],
      [{ type: 'JobAssigned', data: { worker: 'w1', workerGroup: 'default', attempt: 1, at: t(1) } }, t(1)],
      [{ type: 'JobStarted', data: { worker: 'w1', attempt: 1, at: t(2) } }, t(2)],
      [{ type: 'JobCompleted', data: { result: null, outputRecords: 0, at: t(3) } }, t(3)],
    ]);
    expect(view).toMatchObject({ status: 'Completed', worker: 'w1', attempt: 1, startedAt: t(2), endedAt: t(3), lastModifiedAt: t(3) });
  });

  it('shows why a job failed', () => {
    const reason = { message: 'boom', type: 'RunbookError', source: 'runbook' as const };
    const view = fold([
      [submitted, t(0)],
      [{ type: 'JobAssigned', data: { worker: 'w1', workerGroup: 'default', attempt: 1, at: t(1) } }, t(1)],
      [{ type: 'JobStarted', data: { worker: 'w1', attempt: 1, at: t(2) } }, t(2)],
      [{ type: 'JobFailed', data: { reason, at: t(3) } }, t(3)],
    ]);
    expect(view).toMatchObject({ status: 'Failed', reason, endedAt: t(3) });
  });

  it('has no view for events of a job it never saw submitted', () => {
    expect(fold([[{ type: 'JobStarted', data: { worker: 'w1', attempt: 1, at: t(2) } }, t(2)]])).toBeNull();
  });
});
