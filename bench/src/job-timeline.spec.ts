import { JobTimeline } from './job-timeline';

const at = (ms: number) => new Date(Date.UTC(2026, 10, 21, 10, 0, 0, ms)).toISOString();

describe('JobTimeline', () => {
  it('measures between lifecycle marks from the events occurredAt, keeping the first of a repeated mark', () => {
    const timeline = new JobTimeline();
    for (const [jobId, offset] of [['a', 0], ['b', 10]] as const) {
      timeline.add({ type: 'JobSubmitted', jobId, occurredAt: at(offset) });
      timeline.add({ type: 'JobAssigned', jobId, occurredAt: at(offset + 2) });
      timeline.add({ type: 'JobStarted', jobId, occurredAt: at(offset + 20 + offset) });
      timeline.add({ type: 'JobStarted', jobId, occurredAt: at(offset + 500) }); // a second attempt does not move the first start
      timeline.add({ type: 'JobCompleted', jobId, occurredAt: at(offset + 100) });
      timeline.add({ type: 'JobOutputRecorded', jobId, occurredAt: at(offset + 5) });
    }
    expect(timeline.between(['a', 'b'], 'submitted', 'started')).toMatchObject({ count: 2, p50: 20, p99: 30 });
    expect(timeline.between(['a', 'b'], 'submitted', 'completed')).toMatchObject({ p50: 100, p99: 100 });
  });

  it('fails on a job without the events it needs instead of leaving it out', () => {
    const timeline = new JobTimeline();
    timeline.add({ type: 'JobSubmitted', jobId: 'a', occurredAt: at(0) });
    expect(() => timeline.between(['a'], 'submitted', 'completed')).toThrow('job a has no completed event on the log');
    expect(() => timeline.add({ type: 'JobAssigned', jobId: 'a', occurredAt: 'yesterday' })).toThrow(/no valid occurredAt/);
  });
});
