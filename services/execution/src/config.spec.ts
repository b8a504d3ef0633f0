import { readExecutionConfig } from './config';

const base = { KAFKA_BROKERS: '127.0.0.1:9092', DATABASE_URL: 'postgres://u@h/db' };

describe('execution config', () => {
  it('gives every process start its own worker id unless one is set', () => {
    const a = readExecutionConfig(base).workerId;
    expect(readExecutionConfig(base).workerId).not.toBe(a);
    expect(readExecutionConfig({ ...base, WORKER_ID: 'w-7' }).workerId).toBe('w-7');
  });

  it('defaults to the default group with four slots', () => {
    expect(readExecutionConfig(base)).toMatchObject({ workerGroup: 'default', workerSlots: 4, limits: { maxCheckpointBytes: 1024 * 1024 } });
  });

  it('runs runbooks as a user given as uid:gid, or as the worker itself when asked', () => {
    expect(readExecutionConfig({ ...base, JOBLEDGER_RUNBOOK_USER: '1001:1002' }).runbookUser).toEqual({ uid: 1001, gid: 1002 });
    expect(readExecutionConfig({ ...base, JOBLEDGER_RUNBOOK_USER: 'worker' }).runbookUser).toBeUndefined();
    expect(() => readExecutionConfig({ ...base, JOBLEDGER_RUNBOOK_USER: 'nobody' })).toThrow(/JOBLEDGER_RUNBOOK_USER/);
  });

  it('lets a node host run 100 jobs of one account and runbook unless told otherwise, and names a bad count', () => {
    expect(readExecutionConfig(base).maxJobsPerHost).toBe(100);
    expect(readExecutionConfig({ ...base, JOBLEDGER_HOST_MAX_JOBS: '1' }).maxJobsPerHost).toBe(1);
    expect(() => readExecutionConfig({ ...base, JOBLEDGER_HOST_MAX_JOBS: '0' })).toThrow(/JOBLEDGER_HOST_MAX_JOBS/);
  });

  it('reports a start after 20 ms of running unless told otherwise (0: at once), and names a bad delay', () => {
    expect(readExecutionConfig(base).startReportDelayMs).toBe(20);
    expect(readExecutionConfig({ ...base, JOBLEDGER_START_REPORT_DELAY_MS: '0' }).startReportDelayMs).toBe(0);
    expect(() => readExecutionConfig({ ...base, JOBLEDGER_START_REPORT_DELAY_MS: '-1' })).toThrow(/JOBLEDGER_START_REPORT_DELAY_MS/);
  });

  it('names a bad slot count', () => {
    expect(() => readExecutionConfig({ ...base, WORKER_SLOTS: '0' })).toThrow(/WORKER_SLOTS/);
  });
});
