import { Wakeup } from './wakeup';

describe('Wakeup', () => {
  it('sleeps the interval when nobody kicks', async () => {
    const wakeup = new Wakeup();
    const started = Date.now();
    await wakeup.sleep(60);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('ends a sleep at a kick', async () => {
    const wakeup = new Wakeup();
    const started = Date.now();
    setTimeout(() => wakeup.kick(), 10);
    await wakeup.sleep(10_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(wakeup.take()).toBe(true);
  });

  it('keeps a kick that came while nobody slept: the next sleep ends at once, until the next round takes it', async () => {
    const wakeup = new Wakeup();
    expect(wakeup.take()).toBe(false);
    wakeup.kick(); // during a round
    const started = Date.now();
    await wakeup.sleep(10_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(wakeup.take()).toBe(true);
    expect(wakeup.take()).toBe(false);
    const again = Date.now();
    await wakeup.sleep(40);
    expect(Date.now() - again).toBeGreaterThanOrEqual(35);
  });
});
