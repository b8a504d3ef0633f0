import { summarizeProfile } from './cpu-profile';

describe('summarizeProfile', () => {
  it('turns samples into self time per function and per area, idle and GC apart', () => {
    const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber });
    const summary = summarizeProfile('p.cpuprofile', {
      startTime: 0,
      endTime: 1_000_000, // 1 s in µs, over 100 samples: 10 ms each
      nodes: [
        { id: 1, callFrame: frame('(root)', ''), hitCount: 0 },
        { id: 2, callFrame: frame('(idle)', ''), hitCount: 50 },
        { id: 3, callFrame: frame('(garbage collector)', ''), hitCount: 5 },
        { id: 4, callFrame: frame('query', 'file:///repo/node_modules/pg/lib/client.js', 9), hitCount: 20 },
        { id: 5, callFrame: frame('apply', 'file:///repo/libs/read-model/dist/read-model.projector.js', 29), hitCount: 15 },
        { id: 6, callFrame: frame('query', 'file:///repo/node_modules/pg/lib/client.js', 9), hitCount: 5 },
        { id: 7, callFrame: frame('writeGeneric', 'node:internal/stream_base_commons', 150), hitCount: 5 },
      ],
    });
    expect(summary).toMatchObject({ totalMs: 1000, idleMs: 500, gcMs: 50 });
    expect(summary.top[0]).toEqual({ where: 'query (pg/lib/client.js:10)', selfMs: 250, percent: 50 });
    expect(summary.top[1]).toEqual({ where: 'apply (libs/read-model/dist/read-model.projector.js:30)', selfMs: 150, percent: 30 });
    expect(summary.top.some((t) => t.where.startsWith('(idle)'))).toBe(false);
    expect(summary.byArea).toEqual([
      { area: 'pg', selfMs: 250, percent: 50 },
      { area: 'libs/read-model', selfMs: 150, percent: 30 },
      { area: 'node internals', selfMs: 50, percent: 10 },
    ]);
  });
});
