import { OrderedByKey } from './ordered-by-key';

/** A task that records when it starts and ends, and finishes when the test says so. */
function controlled(name: string, log: string[]) {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const ended = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const task = async () => {
    log.push(`start ${name}`);
    try {
      await ended;
    } finally {
      log.push(`end ${name}`);
    }
  };
  return { task, finish, fail };
}

const ticks = () => new Promise((resolve) => setImmediate(resolve));

describe('OrderedByKey', () => {
  it('runs the tasks of one key one after another, in the order they were pushed', async () => {
    const log: string[] = [];
    const queue = new OrderedByKey(4);
    const [a1, a2, a3] = ['a1', 'a2', 'a3'].map((n) => controlled(n, log));
    const pushed = [queue.push('a', a1.task), queue.push('a', a2.task), queue.push('a', a3.task)];
    await ticks();
    expect(log).toEqual(['start a1']);
    a1.finish();
    await ticks();
    expect(log).toEqual(['start a1', 'end a1', 'start a2']);
    a2.finish();
    a3.finish();
    await Promise.all(pushed);
    await queue.settled();
    expect(log).toEqual(['start a1', 'end a1', 'start a2', 'end a2', 'start a3', 'end a3']);
  });

  it('resolves a push once the key’s previous task is done, not its own', async () => {
    const log: string[] = [];
    const queue = new OrderedByKey(4);
    const [a1, a2] = ['a1', 'a2'].map((n) => controlled(n, log));
    await queue.push('a', a1.task);
    let secondTaken = false;
    const second = queue.push('a', a2.task).then(() => (secondTaken = true));
    await ticks();
    expect(secondTaken).toBe(false);
    a1.finish();
    await second;
    expect(log).toEqual(['start a1', 'end a1', 'start a2']);
    a2.finish();
    await queue.settled();
  });

  it('runs at most `concurrency` tasks at once over all keys, and hands a freed slot to the next', async () => {
    const log: string[] = [];
    const queue = new OrderedByKey(2);
    const tasks = ['a', 'b', 'c'].map((n) => controlled(n, log));
    await Promise.all(tasks.map((t, i) => queue.push(['a', 'b', 'c'][i], t.task)));
    await ticks();
    expect(log).toEqual(['start a', 'start b']);
    tasks[1].finish();
    await ticks();
    expect(log).toEqual(['start a', 'start b', 'end b', 'start c']);
    tasks[0].finish();
    tasks[2].finish();
    await queue.settled();
  });

  it('runs nothing after a task failed, and rejects every later push and settled with that failure', async () => {
    const log: string[] = [];
    const queue = new OrderedByKey(1);
    const [a1, b1, a2] = ['a1', 'b1', 'a2'].map((n) => controlled(n, log));
    await queue.push('a', a1.task);
    await queue.push('b', b1.task);
    const waitingA2 = queue.push('a', a2.task);
    a1.fail(new Error('database went away'));
    await expect(waitingA2).rejects.toThrow('database went away');
    await ticks();
    expect(log).toEqual(['start a1', 'end a1']);
    await expect(queue.push('c', async () => undefined)).rejects.toThrow('database went away');
    await expect(queue.settled()).rejects.toThrow('database went away');
    expect(log).toEqual(['start a1', 'end a1']);
  });

  it('settles at once when nothing was pushed, and after the last task when something was', async () => {
    await expect(new OrderedByKey(1).settled()).resolves.toBeUndefined();
    const log: string[] = [];
    const queue = new OrderedByKey(1);
    const a = controlled('a', log);
    await queue.push('a', a.task);
    let settled = false;
    const done = queue.settled().then(() => (settled = true));
    await ticks();
    expect(settled).toBe(false);
    a.finish();
    await done;
    expect(log).toEqual(['start a', 'end a']);
  });
});
