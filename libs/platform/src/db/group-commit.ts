/** What a group write decided for one request: its answer, or the error that request alone gets. */
export type Outcome<O> = { value: O } | { error: unknown };

export interface GroupCommitOptions<I> {
  /** At most this many requests are written together. */
  maxGroup: number;
  /** Requests with the same key never share a group: a later one waits for the next group. */
  keyOf(item: I): string;
}

interface Waiting<I, O> {
  item: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

/**
 * Group commit: requests that arrive while a group is being written wait and are written
 * together by the next call of `writeGroup` (one group at a time), so under load a write costs
 * one round trip for many requests, and alone it costs what it did. `writeGroup` answers each
 * request of the group, in order; when it throws, it wrote nothing (one statement, or one
 * transaction), and each request of a larger group is written again alone, so a request that
 * makes the write fail fails only itself.
 */
export class GroupCommit<I, O> {
  private readonly waiting: Waiting<I, O>[] = [];
  private writing = false;

  constructor(
    private readonly writeGroup: (items: I[]) => Promise<Outcome<O>[]>,
    private readonly options: GroupCommitOptions<I>,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.writing) return;
      this.writing = true;
      // After the requests that arrived in this turn of the event loop, so that they share the group.
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) await this.write(this.takeGroup());
    } finally {
      this.writing = false;
    }
  }

  /** The oldest waiting requests, at most one per key and `maxGroup` in all; the rest keep their order. */
  private takeGroup(): Waiting<I, O>[] {
    const group: Waiting<I, O>[] = [];
    const keys = new Set<string>();
    let next = 0;
    for (const waiting of this.waiting) {
      const key = this.options.keyOf(waiting.item);
      if (group.length < this.options.maxGroup && !keys.has(key)) {
        keys.add(key);
        group.push(waiting);
      } else {
        this.waiting[next++] = waiting;
      }
    }
    this.waiting.length = next;
    return group;
  }

  private async write(group: Waiting<I, O>[]): Promise<void> {
    let outcomes: Outcome<O>[];
    try {
      outcomes = await this.writeGroup(group.map((w) => w.item));
      if (outcomes.length !== group.length) throw new Error(`a group write answered ${outcomes.length} of ${group.length} requests`);
    } catch (error) {
      if (group.length === 1) return group[0].reject(error);
      for (const one of group) await this.write([one]);
      return;
    }
    outcomes.forEach((outcome, i) => ('error' in outcome ? group[i].reject(outcome.error) : group[i].resolve(outcome.value)));
  }
}
