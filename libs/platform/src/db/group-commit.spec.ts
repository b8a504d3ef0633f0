import { GroupCommit } from './group-commit';
import type { Outcome } from './group-commit';

interface Item {
  key: string;
  value: number;
}

/** A group writer that records each group it was given and answers value * 10, or throws as told. */
function recorder(fails: (items: Item[]) => boolean = () => false) {
  const groups: number[][] = [];
  const write = async (items: Item[]): Promise<Outcome<number>[]> => {
    groups.push(items.map((i) => i.value));
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (fails(items)) throw new Error(`group ${items.map((i) => i.value).join(',')} failed`);
    return items.map((i) => (i.value < 0 ? { error: new Error(`negative ${i.value}`) } : { value: i.value * 10 }));
  };
  return { groups, write };
}

const item = (value: number, key = `k${value}`): Item => ({ key, value });

describe('GroupCommit', () => {
  it('writes requests of one turn together, and those that came during a write as the next group', async () => {
    const { groups, write } = recorder();
    const commit = new GroupCommit(write, { maxGroup: 10, keyOf: (i: Item) => i.key });
    const first = [1, 2, 3].map((v) => commit.submit(item(v)));
    await new Promise((resolve) => setTimeout(resolve, 1));
    const second = [4, 5].map((v) => commit.submit(item(v)));
    expect(await Promise.all([...first, ...second])).toEqual([10, 20, 30, 40, 50]);
    expect(groups).toEqual([[1, 2, 3], [4, 5]]);
  });

  it('keeps requests of one key in separate groups, in order, and groups at most maxGroup', async () => {
    const { groups, write } = recorder();
    const commit = new GroupCommit(write, { maxGroup: 2, keyOf: (i: Item) => i.key });
    const answers = await Promise.all([item(1, 'a'), item(2, 'a'), item(3, 'b'), item(4, 'c'), item(5, 'a')].map((i) => commit.submit(i)));
    expect(answers).toEqual([10, 20, 30, 40, 50]);
    expect(groups).toEqual([[1, 3], [2, 4], [5]]);
  });

  it('answers each request with its own outcome', async () => {
    const { write } = recorder();
    const commit = new GroupCommit(write, { maxGroup: 10, keyOf: (i: Item) => i.key });
    const settled = await Promise.allSettled([1, -2, 3].map((v) => commit.submit(item(v))));
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([10, 'negative -2', 30]);
  });

  it('writes a failed group again one request at a time, so only the request that fails the write fails', async () => {
    const { groups, write } = recorder((items) => items.some((i) => i.value === 13));
    const commit = new GroupCommit(write, { maxGroup: 10, keyOf: (i: Item) => i.key });
    const settled = await Promise.allSettled([12, 13, 14].map((v) => commit.submit(item(v))));
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([120, 'group 13 failed', 140]);
    expect(groups).toEqual([[12, 13, 14], [12], [13], [14]]);
  });

  it('keeps writing after a failure, and rejects an answer that does not cover the group', async () => {
    let calls = 0;
    const commit = new GroupCommit<Item, number>(
      async (items) => {
        calls += 1;
        return calls === 1 ? [] : items.map((i) => ({ value: i.value }));
      },
      { maxGroup: 10, keyOf: (i) => i.key },
    );
    await expect(commit.submit(item(1))).rejects.toThrow('a group write answered 0 of 1 requests');
    await expect(commit.submit(item(2))).resolves.toBe(2);
  });

  it('without keys groups any requests, and ends a group at the first that would make it too heavy, so none overtakes another', async () => {
    const { groups, write } = recorder();
    const commit = new GroupCommit(write, { maxGroup: 10, sizeOf: (i: Item) => i.value, maxSize: 10 });
    const answers = await Promise.all([item(1, 'a'), item(2, 'a'), item(8), item(1), item(30), item(4)].map((i) => commit.submit(i)));
    expect(answers).toEqual([10, 20, 80, 10, 300, 40]);
    // 1+2 fit, 8 does not: it starts the next group with 1; 30 is too heavy for any group but goes alone.
    expect(groups).toEqual([[1, 2], [8, 1], [30], [4]]);
  });

  it('rejects every request of a failed group with its error when told not to write them again alone', async () => {
    const { groups, write } = recorder(() => true);
    const commit = new GroupCommit(write, { maxGroup: 10, writeAloneAfter: (error) => !(error as Error).message.includes('failed') });
    const settled = await Promise.allSettled([1, 2].map((v) => commit.submit(item(v))));
    expect(settled.map((s) => (s.status === 'rejected' ? (s.reason as Error).message : s.value))).toEqual(['group 1,2 failed', 'group 1,2 failed']);
    expect(groups).toEqual([[1, 2]]);
  });
});
