import { JOB_COMMAND_TYPES } from '@jobledger/domain';
import { mayGiveDispatchWork } from './scheduling-consumers';

describe('which commands wake the dispatcher', () => {
  it('skips only a job starting or checkpointing: nothing waits more and no slot is given back', () => {
    expect(JOB_COMMAND_TYPES.filter((type) => !mayGiveDispatchWork(type)).sort()).toEqual(['CheckpointJob', 'StartJob']);
  });

  it('wakes it for a submission, a resume and every way a job gives its slot back', () => {
    for (const type of ['SubmitJob', 'RequestResume', 'CompleteJob', 'FailJob', 'ConfirmStop', 'ConfirmSuspend']) expect(mayGiveDispatchWork(type)).toBe(true);
  });
});
