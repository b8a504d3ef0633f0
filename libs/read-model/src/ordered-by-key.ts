/**
 * Runs tasks one after another per key (a partition) and at most `concurrency` at once over all
 * keys. `push` resolves once the key's previous task is done, so a producer that awaits it keeps
 * at most one task per key waiting while the others run. After a task fails nothing more runs:
 * `push` and `settled` reject with that first failure.
 */
export class OrderedByKey {
  /** Each key's last task, done (or failed: see `failure`) when this resolves; never rejects. */
  private readonly tails = new Map<string, Promise<void>>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private failure: Error | undefined;

  constructor(private readonly concurrency: number) {}

  async push(key: string, task: () => Promise<void>): Promise<void> {
    if (this.failure) throw this.failure;
    const previous = this.tails.get(key) ?? Promise.resolve();
    this.tails.set(key, previous.then(() => this.inSlot(task)));
    await previous;
    if (this.failure) throw this.failure;
  }

  /** Resolves once every task pushed so far is done; rejects with the first failure. */
  async settled(): Promise<void> {
    await Promise.all(this.tails.values());
    if (this.failure) throw this.failure;
  }

  /** Runs the task when a slot is free, unless a task failed; records a failure instead of rejecting. */
  private async inSlot(task: () => Promise<void>): Promise<void> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      if (!this.failure) await task();
    } catch (error) {
      // Before the slot is handed on: the next task must see it.
      this.failure ??= error as Error;
    } finally {
      // The slot goes straight to the next waiting task, if any.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
