/**
 * kafkajs 2.2.4's request queue, with no request waiting, sets a timer of a negative delay — so
 * ~1 ms — that sets itself again (tulios/kafkajs#1556, #1704; no release fixes it): every broker
 * connection of every producer, consumer and admin wakes its process about a thousand times a
 * second for as long as it lives. `waitingRequestsCheck` is the queue's method as it should be: a
 * timer only while a request waits — at the end of the broker's throttle, or after kafkajs's own
 * 10 ms — since the queue checks again anyway when a request is pushed or a response comes.
 */

/** The fields of kafkajs's RequestQueue the method reads and writes. */
export interface RequestQueueTimerState {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  checkPendingRequests(): void;
}

/** kafkajs's CHECK_PENDING_REQUESTS_INTERVAL. */
const CHECK_WAITING_MS = 10;

export function waitingRequestsCheck(this: RequestQueueTimerState): void {
  if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
  const throttledFor = this.throttledUntil - Date.now();
  this.throttleCheckTimeoutId = setTimeout(
    () => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    },
    throttledFor > 0 ? throttledFor : CHECK_WAITING_MS,
  );
}

const PATCHED_VERSION = '2.2.4';
let installed = false;

/**
 * Puts `waitingRequestsCheck` in place of kafkajs's own, once per process, for the version whose
 * queue this was written against; any other version is left as it is (and said so), for its queue
 * may differ.
 */
export function installRequestQueueTimerFix(warn: (message: string) => void): void {
  if (installed) return;
  installed = true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- kafkajs's internal class, not in its public API
  const version = (require('kafkajs/package.json') as { version: string }).version;
  if (version !== PATCHED_VERSION) {
    warn(`kafkajs ${version} is not ${PATCHED_VERSION}: its request queue's idle timer is left as it is`);
    return;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
  const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as { prototype: { scheduleCheckPendingRequests: unknown } };
  RequestQueue.prototype.scheduleCheckPendingRequests = waitingRequestsCheck;
}
