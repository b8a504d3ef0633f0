import type { RebuildReport } from '@jobledger/read-model';
import { visibleReport } from './verify';

const report = (differences: { key: string; live: unknown; rebuilt: unknown }[]): RebuildReport => ({
  positions: [], messages: 0, skipped: [], rebuildMs: 0, eventsPerSec: 0, differences: differences.length,
  tables: [{ table: 'jobs', liveRows: 0, rebuiltRows: 0, differenceCount: differences.length, differences, comparable: true }],
});

describe('visibleReport', () => {
  const me = { keyId: 'k', accountId: 'a', role: 'auditor' as const, platformAdmin: false };

  it('shows an auditor the differing rows of its own account and of platform tables only, missing rows included', () => {
    const shown = visibleReport(
      report([
        { key: 'a/1', live: { account_id: 'a' }, rebuilt: null },
        { key: 'b/1', live: null, rebuilt: { account_id: 'b' } },
        { key: 'b/2', live: { account_id: 'b' }, rebuilt: { account_id: 'b', x: 1 } },
        { key: 'w-1', live: { worker_id: 'w-1' }, rebuilt: null },
      ]),
      me,
    );
    expect(shown.tables[0].differences.map((d) => d.key)).toEqual(['a/1', 'w-1']);
    expect(shown.differences).toBe(4);
  });

  it('shows the platform admin every row', () => {
    const all = report([{ key: 'b/1', live: null, rebuilt: { account_id: 'b' } }]);
    expect(visibleReport(all, { ...me, platformAdmin: true })).toBe(all);
  });
});
