import { decide } from './job-decide';
import type { JobEvent } from './job-event';
import { evolve, foldJobEvents } from './job-evolve';
import type { JobState } from './job-state';
import { MAX_FAIR_SHARE_UNLOADS } from './fair-share';
import { HISTORIES, sampleCommand } from './testing/job-fixtures';

/** Applies `command` with decide and folds its events, as a command handler would. */
function run(state: JobState, ...commands: Parameters<typeof sampleCommand>[0][]): { state: JobState; events: JobEvent[] } {
  let events: JobEvent[] = [];
  for (const command of commands) {
    events = decide(sampleCommand(command), state);
    state = events.reduce(evolve, state);
  }
  return { state, events };
}

const running = () => foldJobEvents(HISTORIES.Running);
const unloadAndResume = ['UnloadJob', 'AssignJob', 'StartJob'] as const;

describe('fair share', () => {
  it('allows three unloads from the same checkpoint', () => {
    expect(MAX_FAIR_SHARE_UNLOADS).toBe(3);
  });

  it('unloads a Running job to RunningWaitingForResources and counts the unload', () => {
    const { state, events } = run(running(), 'UnloadJob');
    expect(events).toEqual([{ type: 'JobUnloaded', data: { unloads: 1, at: expect.any(String) } }]);
    expect(state).toMatchObject({ status: 'RunningWaitingForResources', fairShareUnloads: 1, unloadsSinceCheckpoint: 1 });
  });

  it('resumes an unloaded job as a new attempt', () => {
    const { state } = run(running(), ...unloadAndResume);
    expect(state).toMatchObject({ status: 'Running', attempt: 2 });
  });

  it('ends the job FailedWaitingForResources at the third unload from the same checkpoint', () => {
    const { state, events } = run(running(), ...unloadAndResume, ...unloadAndResume, 'UnloadJob');
    expect(events.map((ev) => ev.type)).toEqual(['JobUnloaded', 'JobFailedWaitingForResources']);
    expect(events[1]).toMatchObject({ data: { reason: { type: 'FairShareLimitReached', source: 'scheduler' } } });
    expect(state).toMatchObject({ status: 'FailedWaitingForResources', fairShareUnloads: 3 });
  });

  it('counts unloads from the start when the job never checkpointed', () => {
    const { events } = run(running(), ...unloadAndResume, ...unloadAndResume, 'UnloadJob');
    expect(events[1]).toMatchObject({ data: { reason: { message: expect.stringContaining('the start') } } });
  });

  it('starts counting again after a checkpoint in between', () => {
    const { state, events } = run(
      running(),
      ...unloadAndResume,
      ...unloadAndResume,
      'CheckpointJob',
      ...unloadAndResume,
      'UnloadJob',
    );
    expect(events.map((ev) => ev.type)).toEqual(['JobUnloaded']);
    expect(state).toMatchObject({ status: 'RunningWaitingForResources', fairShareUnloads: 4, unloadsSinceCheckpoint: 2 });
  });

  it('names the checkpoint the job could not get past', () => {
    const { events } = run(running(), 'CheckpointJob', ...unloadAndResume, ...unloadAndResume, 'UnloadJob');
    expect(events[1]).toMatchObject({ data: { reason: { message: expect.stringContaining('checkpoint c9') } } });
  });
});
