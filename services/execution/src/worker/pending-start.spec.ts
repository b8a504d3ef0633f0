import type { JobCommand } from '@jobledger/domain';
import { PendingStart } from './pending-start';

const started = { worker: 'w1', at: '2026-11-22T10:00:00.000Z' };
const complete: JobCommand = { type: 'CompleteJob', data: { result: 42, outputRecords: 0, at: '2026-11-22T10:00:00.005Z' } };
const fail: JobCommand = { type: 'FailJob', data: { reason: { message: 'boom', type: 'RunbookError', source: 'runbook' }, at: started.at } };
const stop: JobCommand = { type: 'ConfirmStop', data: { at: started.at } };

describe('PendingStart', () => {
  let sends: number;
  const sendStart = () => {
    sends++;
    return Promise.resolve();
  };

  beforeEach(() => {
    jest.useFakeTimers();
    sends = 0;
  });
  afterEach(() => jest.useRealTimers());

  it('reports nothing before the delay, and the start once it has passed', async () => {
    const start = new PendingStart(started, sendStart, 20);
    jest.advanceTimersByTime(19);
    expect(sends).toBe(0);
    jest.advanceTimersByTime(1);
    expect(sends).toBe(1);
    await start.send();
    expect(sends).toBe(1);
  });

  it.each([complete, fail])('gives a $type within the delay the start, and never reports the start alone', async (end) => {
    const start = new PendingStart(started, sendStart, 20);
    expect(await start.withEnd(end)).toEqual({ type: end.type, data: { ...end.data, started } });
    jest.advanceTimersByTime(1_000);
    expect(sends).toBe(0);
  });

  it('leaves the end as it is once the start was reported', async () => {
    const start = new PendingStart(started, sendStart, 20);
    jest.advanceTimersByTime(20);
    expect(await start.withEnd(complete)).toBe(complete);
    expect(sends).toBe(1);
  });

  it('reports the start before any other end, and before a checkpoint', async () => {
    const start = new PendingStart(started, sendStart, 20);
    expect(await start.withEnd(stop)).toBe(stop);
    expect(sends).toBe(1);
    const other = new PendingStart(started, sendStart, 20);
    await other.send();
    expect(sends).toBe(2);
    jest.advanceTimersByTime(1_000);
    expect(sends).toBe(2);
  });

  it('waits for the start it sent before it hands out the end, and throws what that send threw', async () => {
    let finish!: (error?: Error) => void;
    const start = new PendingStart(started, () => new Promise<void>((resolve, reject) => (finish = (e) => (e ? reject(e) : resolve()))), 0);
    let handed = false;
    const end = start.withEnd(complete).then((c) => ((handed = true), c));
    await Promise.resolve();
    expect(handed).toBe(false);
    finish(new Error('Kafka refused it'));
    await expect(end).rejects.toThrow('Kafka refused it');
  });

  it('reports the start at once when the delay is 0, so no end ever carries it', async () => {
    const start = new PendingStart(started, sendStart, 0);
    expect(sends).toBe(1);
    expect(await start.withEnd(complete)).toBe(complete);
    expect(sends).toBe(1);
  });

  it('reports nothing once cancelled', () => {
    const start = new PendingStart(started, sendStart, 20);
    start.cancel();
    jest.advanceTimersByTime(1_000);
    expect(sends).toBe(0);
  });
});
