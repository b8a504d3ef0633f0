import type { RebuildReport } from '@jobledger/read-model';
import type { Me } from '../api-client';

/** What a verification shows to this caller: all counts, and the differing rows of the caller's account (every row for the platform admin). */
export function visibleReport(report: RebuildReport, me: Me): RebuildReport {
  if (me.platformAdmin) return report;
  return {
    ...report,
    tables: report.tables.map((t) => ({
      ...t,
      differences: t.differences.filter((d) => {
        // The row's account, from whichever side has it; platform tables (workers) have none.
        const account = ((d.live ?? d.rebuilt) as { account_id?: string }).account_id;
        return account === undefined || account === me.accountId;
      }),
    })),
  };
}

export function formatVerify(report: RebuildReport): string {
  const head = ['Table', 'Live', 'Rebuilt', 'Differences'];
  const rows = report.tables.map((t) => [t.table, String(t.liveRows), String(t.rebuiltRows), t.comparable ? String(t.differenceCount) : `not compared: ${t.note}`]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  const out = [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ''];
  for (const table of report.tables) {
    for (const d of table.differences) {
      out.push(`${table.table} ${d.key}:`, `  live:    ${JSON.stringify(d.live)}`, `  rebuilt: ${JSON.stringify(d.rebuilt)}`);
    }
  }
  for (const s of report.skipped) out.push(`skipped ${s.topic}/${s.partition}@${s.offset}: ${s.reason} (dead-lettered by the live consumer too)`);
  out.push(
    `Rebuilt ${report.messages} messages in ${report.rebuildMs} ms (${report.eventsPerSec} events/s) up to the live read model's positions.`,
    report.differences === 0 ? 'OK: the read model matches the log.' : `DIFFERENT: ${report.differences} row(s) of the read model do not match the log.`,
  );
  return out.join('\n');
}
