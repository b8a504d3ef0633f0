import * as domain from './index';

describe('the public API of @jobledger/domain', () => {
  it('exports the names other libraries code against', () => {
    const names = [
      'JOB_STATUSES', 'FINAL_STATUSES', 'isFinalStatus', 'JOB_EVENT_TYPES', 'initialState', 'evolve', 'decide',
      'foldJobEvents', 'DomainError', 'JobNotInStatusError', 'MAX_FAIR_SHARE_UNLOADS', 'recordRefusal',
    ];
    for (const name of names) expect(domain).toHaveProperty(name);
  });

  it('lists the twelve statuses of SPEC §2, four of them final', () => {
    expect(domain.JOB_STATUSES).toHaveLength(12);
    expect(domain.FINAL_STATUSES).toEqual(['Stopped', 'Completed', 'Failed', 'FailedWaitingForResources']);
    expect(domain.JOB_STATUSES.filter(domain.isFinalStatus)).toEqual(domain.FINAL_STATUSES);
  });

  it('lists every event type once', () => {
    expect(new Set(domain.JOB_EVENT_TYPES).size).toBe(17);
  });
});
