import { percentile, percentiles, perSecond } from './stats';

describe('percentiles', () => {
  it('takes the nearest rank: a value that was measured', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3], 50)).toBe(2);
  });

  it('sorts before ranking and summarizes', () => {
    expect(percentiles([30, 10, 20, 40])).toEqual({ count: 4, p50: 20, p90: 40, p99: 40, max: 40, mean: 25 });
  });

  it('refuses what has no answer', () => {
    expect(() => percentiles([])).toThrow(/no values/);
    expect(() => percentile([1], 0)).toThrow(/\(0, 100\]/);
    expect(() => perSecond(10, 0)).toThrow(/positive duration/);
  });

  it('gives rates per second', () => {
    expect(perSecond(500, 250)).toBe(2000);
    expect(perSecond(1, 3000)).toBe(0.3);
  });
});
