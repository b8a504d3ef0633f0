/**
 * The pause of a polling loop that a kick ends early: `sleep(ms)` resolves after `ms`, or at the
 * next `kick()`. A kick that comes while the loop is working, not sleeping, is kept: the next
 * `sleep` resolves at once, so new work found during a round is taken up by the next round instead
 * of waiting out the interval. `take()` at the start of a round says whether a kick started it,
 * and forgets it.
 */
export class Wakeup {
  private kicked = false;
  private wake: (() => void) | undefined;

  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  take(): boolean {
    const kicked = this.kicked;
    this.kicked = false;
    return kicked;
  }

  sleep(ms: number): Promise<void> {
    if (this.kicked) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
