import { JOB_EVENT_TYPES, initialState } from '@jobledger/domain';
import type { JobEvent, JobState } from '@jobledger/domain';
import { evolveJobView } from '@jobledger/events';
import type { JobView } from '@jobledger/events';
import { chainSha256 } from '@jobledger/read-model';
import type { LoggedEvent } from './log-events';

export interface TimelineEntry {
  time: string;
  type: string;
  /** The job's status after the event (lifecycle events only). */
  status: string | null;
  actor: string;
  correlationId: string;
  at: string;
  data: unknown;
}

export interface Timeline {
  jobId: string;
  accountId: string;
  entries: TimelineEntry[];
  /** The running SHA-256 over the job's lifecycle events in log order, as the read model keeps it. */
  logSha256: string | null;
  lifecycleEvents: number;
}

const LIFECYCLE: ReadonlySet<string> = new Set(JOB_EVENT_TYPES);

/** Folds a job's logged events, in log order, into its timeline and its digest. */
export function buildTimeline(jobId: string, events: LoggedEvent[]): Timeline {
  let view: JobView | null = null;
  let state: JobState = initialState();
  let digest: string | null = null;
  let lifecycleEvents = 0;
  const seen = new Set<string>();
  const entries: TimelineEntry[] = [];
  for (const { envelope, bytes, topic, partition, offset } of events) {
    if (seen.has(envelope.id)) continue; // published twice: one fact
    seen.add(envelope.id);
    let status: string | null = null;
    if (LIFECYCLE.has(envelope.type)) {
      ({ view, state } = evolveJobView(view, state, { type: envelope.type, data: envelope.data } as JobEvent, envelope.occurredAt));
      status = view?.status ?? null;
      digest = chainSha256(digest, bytes);
      lifecycleEvents++;
    }
    entries.push({
      time: envelope.occurredAt,
      type: envelope.type,
      status: state.removed ? 'Removed' : status,
      actor: `${envelope.actor.kind}:${envelope.actor.id}`,
      correlationId: envelope.correlationId,
      at: `${topic}/${partition}@${offset}`,
      data: envelope.data,
    });
  }
  entries.sort((a, b) => a.time.localeCompare(b.time));
  return { jobId, accountId: events[0]?.envelope.accountId ?? '', entries, logSha256: digest, lifecycleEvents };
}

/** Like Get-Job's table: one line per event. */
export function formatTimeline(timeline: Timeline): string {
  const rows = timeline.entries.map((e) => [e.time, e.type, e.status ?? '', e.actor, summary(e)]);
  const head = ['Time', 'Event', 'Status', 'Actor', 'Details'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [
    `Job ${timeline.jobId} (account ${timeline.accountId})`,
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `${timeline.lifecycleEvents} lifecycle events; log SHA-256 ${timeline.logSha256 ?? '(none)'}`,
  ].join('\n');
}

function summary(entry: TimelineEntry): string {
  const data = entry.data as Record<string, unknown>;
  if (entry.type === 'JobOutputRecorded') return `${(data.records as unknown[]).length} record(s)`;
  const parts = Object.entries(data)
    .filter(([k, v]) => k !== 'at' && v !== null && typeof v !== 'object')
    .map(([k, v]) => `${k}=${String(v)}`);
  const reason = data.reason as { message?: string } | undefined;
  if (reason?.message) parts.push(`reason=${reason.message}`);
  return parts.join(' ').slice(0, 120);
}
