/** What a group write decided for one request: its answer, or the error that request alone gets. */
export type Outcome<O> = { value: O } | { error: unknown };

export interface GroupCommitOptions<I> {
  /** At most this many requests are written together. */
  maxGroup: number;
  /** Requests with the same key never share a group: a later one waits for the next group. Without it, any may. */
  keyOf?(item: I): string;
  /** A group's requests weigh at most `maxSize` together (a request heavier than that alone is a group of its own). */
  sizeOf?(item: I): number;
  maxSize?: number;
  /** Whether a group whose write failed is written again one request at a time. @default always */
  writeAloneAfter?(error: unknown): boolean;
}

interface Waiting<I, O> {
  item: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

/**
 * Group commit: requests that arrive while a group is being written wait and are written
 * together by the next call of `writeGroup` (one group at a time), so under load a write costs
 * one round trip for many requests, and alone it costs what it did. Groups keep the requests'
 * order (a request with a key already in the group waits, and those after it may go ahead).
 * `writeGroup` answers each request of the group, in order; when it throws, each request of a
 * larger group is written again alone (unless `writeAloneAfter` says otherwise), so a request
 * that makes the write fail fails only itself — right for a write that did nothing when it threw
 * (one statement, or one transaction), and for one whose requests may safely be written twice.
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

  /**
   * The oldest waiting requests, at most one per key, `maxGroup` and `maxSize` in all: the first
   * request that does not fit ends the group, so none overtakes it. The rest keep their order.
   */
  private takeGroup(): Waiting<I, O>[] {
    const { keyOf, sizeOf, maxSize = Infinity, maxGroup } = this.options;
    const group: Waiting<I, O>[] = [];
    const keys = new Set<string>();
    let size = 0;
    let full = false;
    let next = 0;
    for (const waiting of this.waiting) {
      const key = keyOf?.(waiting.item);
      if (!full && (key === undefined || !keys.has(key))) {
        const weight = sizeOf?.(waiting.item) ?? 0;
        full = group.length >= maxGroup || (group.length > 0 && size + weight > maxSize);
        if (!full) {
          if (key !== undefined) keys.add(key);
          size += weight;
          group.push(waiting);
          continue;
        }
      }
      this.waiting[next++] = waiting;
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
      if (group.length === 1 || !(this.options.writeAloneAfter?.(error) ?? true)) return group.forEach((w) => w.reject(error));
      for (const one of group) await this.write([one]);
      return;
    }
    outcomes.forEach((outcome, i) => ('error' in outcome ? group[i].reject(outcome.error) : group[i].resolve(outcome.value)));
  }
}
