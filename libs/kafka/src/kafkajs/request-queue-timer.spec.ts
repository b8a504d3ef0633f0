import { waitingRequestsCheck } from './request-queue-timer';
import type { RequestQueueTimerState } from './request-queue-timer';

function queue(pending: unknown[], throttledUntil = -1): RequestQueueTimerState & { checks: number } {
  const state = {
    pending,
    throttledUntil,
    throttleCheckTimeoutId: null as ReturnType<typeof setTimeout> | null,
    checks: 0,
    checkPendingRequests() {
      state.checks++;
    },
  };
  return state;
}

describe('the request queue timer kafkajs 2.2.4 gets', () => {
  afterEach(() => jest.useRealTimers());

  it('sets no timer while no request waits, throttled or not', () => {
    for (const q of [queue([]), queue([], Date.now() + 1_000)]) {
      waitingRequestsCheck.call(q);
      expect(q.throttleCheckTimeoutId).toBeNull();
    }
  });

  it('checks a waiting request again after 10 ms, or at the end of the throttle, once', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const waiting = queue(['request']);
    waitingRequestsCheck.call(waiting);
    waitingRequestsCheck.call(waiting); // one timer at a time
    jest.advanceTimersByTime(9);
    expect(waiting.checks).toBe(0);
    jest.advanceTimersByTime(1);
    expect(waiting.checks).toBe(1);
    expect(waiting.throttleCheckTimeoutId).toBeNull();

    const throttled = queue(['request'], 1_000_000 + 10 + 500);
    waitingRequestsCheck.call(throttled);
    jest.advanceTimersByTime(499);
    expect(throttled.checks).toBe(0);
    jest.advanceTimersByTime(1);
    expect(throttled.checks).toBe(1);
  });
});
