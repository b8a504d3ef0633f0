import type { BullmqResult } from './bullmq-bench';
import type { ProfileSummary } from './cpu-profile';
import type { JobledgerResult } from './jobledger-bench';
import type { KafkaResult } from './kafka-bench';
import type { ReplayLogResult } from './replay-log-bench';
import { round } from './stats';
import type { Percentiles } from './stats';

export interface ReplayResult {
  events: number;
  eventsPerSec: number;
  rebuildMs: number;
  /** Rows that differ between the live read model and the rebuilt one: 0, or the replay is not a measurement of the same thing. */
  differences: number;
}

export interface Machine {
  cores: number;
  cpuModel: string;
  memoryBytes: number;
  node: string;
  os: string;
  postgres?: string;
}

export interface Goal {
  goal: string;
  target: string;
  measured: string;
  met: boolean | 'not measured';
}

export interface BenchResults {
  mode: 'closed-loop' | 'fixed-rate';
  command: string;
  startedAt: string;
  finishedAt: string;
  machine: Machine;
  jobledger?: JobledgerResult;
  bullmq?: BullmqResult;
  kafka?: KafkaResult;
  replay?: ReplayResult;
  replayLog?: ReplayLogResult;
  /**
   * vsBullmq: Jobledger's jobs/s over BullMQ's. vsKafka: the events/s Jobledger put on Kafka
   * during its run over what raw kafkajs moves on the same broker: how much of the ceiling it used.
   */
  ratios: { vsBullmq?: number; vsKafka?: number };
  /** Peak resident set (VmHWM) of each Jobledger process during the run, and of the bench itself, bytes. */
  peakRssBytes: Record<string, number>;
  goals: Goal[];
}

export function ratios(jobledger?: JobledgerResult, bullmq?: BullmqResult, kafka?: KafkaResult): BenchResults['ratios'] {
  return {
    ...(jobledger && bullmq ? { vsBullmq: round(jobledger.jobsPerSec / bullmq.jobsPerSec, 4) } : {}),
    ...(jobledger && kafka ? { vsKafka: round(jobledger.kafkaMessages / (jobledger.wallMs / 1000) / kafka.eventsPerSec, 4) } : {}),
  };
}

/** The targets the issue holds the system to, against what this run measured. */
/** The replay goal is judged on the larger log when there is one: a log of a few thousand events is mostly start-up. */
export function goals(jobledger?: JobledgerResult, replay?: ReplayResult, replayLog?: ReplayLogResult): Goal[] {
  const replayed = replayLog ? { rate: replayLog.eventsPerSec, of: `${replayLog.events} events` } : replay ? { rate: replay.eventsPerSec, of: `${replay.events} events` } : undefined;
  const atRate = jobledger?.mode === 'fixed-rate' && (jobledger.targetRatePerSec ?? 0) >= 500;
  return [
    jobledger?.mode === 'closed-loop'
      ? { goal: 'end-to-end throughput', target: '>= 5000 jobs/s', measured: `${jobledger.jobsPerSec} jobs/s`, met: jobledger.jobsPerSec >= 5000 }
      : { goal: 'end-to-end throughput', target: '>= 5000 jobs/s', measured: 'closed loop not run', met: 'not measured' },
    atRate && jobledger
      ? {
          goal: 'p99 submit->Running at 500 jobs/s',
          target: '<= 100 ms',
          measured: `${jobledger.p99SubmitToRunningMs} ms at ${jobledger.targetRatePerSec} jobs/s (achieved ${jobledger.jobsPerSec} jobs/s)`,
          met: jobledger.p99SubmitToRunningMs <= 100 && jobledger.jobsPerSec >= 0.95 * 500,
        }
      : { goal: 'p99 submit->Running at 500 jobs/s', target: '<= 100 ms', measured: 'run npm run bench -- --rate 500', met: 'not measured' },
    replayed
      ? { goal: 'replay', target: '>= 50000 events/s', measured: `${replayed.rate} events/s (${replayed.of})`, met: replayed.rate >= 50_000 }
      : { goal: 'replay', target: '>= 50000 events/s', measured: 'replay not run', met: 'not measured' },
  ];
}

/** Left-aligned text columns, two spaces apart. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows.reduce<number[]>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), []);
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd()).join('\n');
}

const ms = (p: Percentiles): [string, string] => [`${p.p50}`, `${p.p99}`];
const mib = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MiB`;

export function renderResults(r: BenchResults): string {
  const rows: string[][] = [['measurement', 'rate', 'p50 ms', 'p99 ms']];
  const j = r.jobledger;
  if (j) {
    const load = j.mode === 'fixed-rate' ? `${j.jobs} ${j.runtime} jobs at ${j.targetRatePerSec}/s` : `${j.jobs} ${j.runtime} jobs, ${j.clients} clients`;
    const warm = j.warmupJobs > 0 ? `, after ${j.warmupJobs} warm-up` : ', cold';
    const away = j.dbDelayMs ? `, Postgres ${j.dbDelayMs} ms away each way` : '';
    rows.push([`Jobledger end to end (${load}${warm}${away})`, `${j.jobsPerSec} jobs/s`, '', '']);
    rows.push(['  submit -> Running', '', ...ms(j.submitToRunningMs)]);
    rows.push(['  submit -> Completed', '', ...ms(j.submitToCompletedMs)]);
    rows.push(['  POST /v1/jobs (client)', `${j.submitRatePerSec} sent/s`, ...ms(j.httpSubmitMs)]);
    rows.push(['  POST sent -> Completed readable (client)', '', ...ms(j.submitToVisibleCompletedMs)]);
    for (const [stage, p] of Object.entries(j.stagesMs)) rows.push([`  stage ${stage}`, '', ...ms(p)]);
    if (j.arrivalLagMs) rows.push(['  arrival lag behind schedule', '', ...ms(j.arrivalLagMs)]);
    rows.push([`  its Kafka messages (${j.kafkaMessages}, mean ${j.kafkaMeanMessageBytes} B)`, `${round(j.kafkaMessages / (j.wallMs / 1000))} msgs/s`, '', '']);
    rows.push([`  Postgres transactions per job`, `${j.postgresCommitsPerJob}`, '', '']);
  }
  const b = r.bullmq;
  if (b) {
    rows.push([`BullMQ ${b.jobs} jobs, ${b.clients} clients, concurrency ${b.concurrency}${b.warmupJobs > 0 ? `, after ${b.warmupJobs} warm-up` : ', cold'}`, `${b.jobsPerSec} jobs/s`, '', '']);
    rows.push(['  add -> active', '', ...ms(b.addToActiveMs)]);
    rows.push(['  add -> processed', '', ...ms(b.addToProcessedMs)]);
  }
  const k = r.kafka;
  if (k) rows.push([`raw kafkajs produce+consume (${k.events} x ${k.messageBytes} B)`, `${k.eventsPerSec} events/s`, '', '']);
  const p = r.replay;
  if (p) rows.push([`replay into a fresh schema (${p.events} events, ${p.differences} differences)`, `${p.eventsPerSec} events/s`, '', '']);
  const l = r.replayLog;
  if (l) rows.push([`replay of a log of ${l.jobs} completed jobs (${l.events} events, ${l.eventBytes} B)`, `${l.eventsPerSec} events/s`, '', '']);
  const lines = [formatTable(rows), ''];
  if (r.ratios.vsBullmq !== undefined) lines.push(`Jobledger / BullMQ jobs/s: ${r.ratios.vsBullmq}`);
  if (r.ratios.vsKafka !== undefined) lines.push(`Jobledger's Kafka messages/s / raw kafkajs events/s: ${r.ratios.vsKafka}`);
  if (j) lines.push(`CPU per job (${j.cpu.machineBusyPercent}% of the cores busy): ${renderCpu(j.cpu.msPerJob)}`);
  lines.push(`peak RSS: ${Object.entries(r.peakRssBytes).map(([name, bytes]) => `${name} ${mib(bytes)}`).join(', ')}`);
  const m = r.machine;
  lines.push(`machine: ${m.cores} cores (${m.cpuModel}), ${round(m.memoryBytes / 1024 ** 3)} GiB, Node ${m.node}, ${m.os}${m.postgres ? `, PostgreSQL ${m.postgres}` : ''}`);
  lines.push('', formatTable([['goal', 'target', 'measured', 'met'], ...r.goals.map((g) => [g.goal, g.target, g.measured, String(g.met)])]));
  return lines.join('\n');
}

/** Milliseconds per job, the largest first, with their sum. */
function renderCpu(msPerJob: Record<string, number>): string {
  const total = Object.values(msPerJob).reduce((a, b) => a + b, 0);
  const parts = Object.entries(msPerJob).sort((a, b) => b[1] - a[1]).map(([name, ms]) => `${name} ${ms} ms`);
  return `${round(total)} ms = ${parts.join(' + ')}`;
}

/** Per profiled process (the pid is in the file name): busy time, GC, the areas and the functions that took it. */
export function renderProfiles(profiles: readonly ProfileSummary[]): string {
  return profiles
    .map((p) =>
      [
        `${p.file}: ${p.totalMs} ms profiled, ${p.totalMs - p.idleMs} ms busy, GC ${p.gcMs} ms`,
        `  by area: ${p.byArea.slice(0, 8).map((a) => `${a.area} ${a.percent}%`).join(', ')}`,
        ...p.top.slice(0, 8).map((t) => `  ${String(t.percent).padStart(5)}%  ${t.where}`),
      ].join('\n'),
    )
    .join('\n\n');
}
