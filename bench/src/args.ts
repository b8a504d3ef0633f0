import { parseArgs } from 'node:util';
import { NOOP_RUNBOOKS } from './jobledger-bench';
import type { BenchRuntime } from './jobledger-bench';

export const PARTS = ['jobledger', 'bullmq', 'kafka', 'replay', 'replay-log'] as const;
export type Part = (typeof PARTS)[number];

export interface BenchOptions {
  /** Closed loop: this many jobs, as fast as `clients` concurrent clients submit them. */
  jobs: number;
  clients: number;
  /** Fixed-rate mode: jobs per second for `durationSec` seconds (open loop), Jobledger only. */
  rate?: number;
  durationSec: number;
  /** Execution workers, and slots (jobs at once) of each; BullMQ's worker gets workers × slots. */
  workers: number;
  slots: number;
  /** The no-op runbook's runtime: node (a node process per job) or shell (a bash process per job). */
  runtime: BenchRuntime;
  parts: Part[];
  /** Completed jobs in the log the replay-log part writes and replays (5 events each). */
  logJobs: number;
  /**
   * Jobs run through Jobledger's stack and BullMQ's worker before each is measured, not counted:
   * the measurement is of a warm system (V8's and the Kafka broker's JIT past their first compiles).
   */
  warmup: number;
  out: string;
  /** Writes a V8 CPU profile of each service process here (node --cpu-prof), for docs/performance.md. */
  cpuProfDir?: string;
  /**
   * Puts Postgres this many ms further away from Jobledger's services (and the bench's watcher),
   * each way, through a delaying proxy: a database across a network. 0: none.
   */
  dbDelayMs: number;
}

export const USAGE = `usage: npm run bench -- [options]

Closed loop (default): N no-op jobs from C concurrent clients through Jobledger, then the same
workload on BullMQ, as many raw kafkajs events as Jobledger wrote, a replay of the read model from
Jobledger's log, and a replay of a log of L completed jobs written for the purpose.
  --jobs N          jobs to run (default 1000)
  --clients C       concurrent submitting clients (default 32)

Fixed rate: Jobledger only, jobs arriving at a steady rate whatever the answers take.
  --rate R          jobs per second
  --duration S      seconds to keep that rate (default 60)

Both:
  --workers W       execution workers (default 1)
  --slots S         jobs at once per worker; BullMQ's concurrency is W x S (default 8)
  --log-jobs L      completed jobs (5 events each) in the replay-log part's log (default 20000)
  --runtime R       the no-op runbook's runtime, node or shell (default node)
  --warmup N        jobs run through Jobledger and BullMQ before each is measured, not counted
                    (default 1000; 0 measures from cold)
  --only LIST       comma-separated parts: ${PARTS.join(',')} (default all; fixed rate: jobledger)
  --out FILE        results file (default bench/results/latest.json, fixed rate bench/results/fixed-rate.json)
  --cpu-prof DIR    profile every service process (node --cpu-prof) into DIR and print where their time went
  --db-delay-ms D   put Postgres D ms further away, each way, from Jobledger's services (a proxy in the bench's
                    process delays every chunk): round trips as to a database across a network (default 0)
`;

export class UsageError extends Error {}

function wholeNumber(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

const positiveInt = (name: string, raw: string | undefined, fallback: number, max: number) => wholeNumber(name, raw, fallback, 1, max);

function runtimeOf(raw: string | undefined): BenchRuntime {
  if (raw === undefined) return 'node';
  if (raw in NOOP_RUNBOOKS) return raw as BenchRuntime;
  throw new UsageError(`--runtime takes ${Object.keys(NOOP_RUNBOOKS).join(' or ')}, got "${raw}"`);
}

export function parseBenchArgs(argv: string[]): BenchOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        jobs: { type: 'string' },
        clients: { type: 'string' },
        rate: { type: 'string' },
        duration: { type: 'string' },
        workers: { type: 'string' },
        slots: { type: 'string' },
        only: { type: 'string' },
        'log-jobs': { type: 'string' },
        runtime: { type: 'string' },
        warmup: { type: 'string' },
        out: { type: 'string' },
        'cpu-prof': { type: 'string' },
        'db-delay-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  const fixedRate = values.rate !== undefined;
  if (fixedRate && values.jobs !== undefined) throw new UsageError('--jobs is for the closed loop; with --rate the count is rate x duration');
  if (!fixedRate && values.duration !== undefined) throw new UsageError('--duration needs --rate (jobs per second)');
  const parts = values.only === undefined ? (fixedRate ? ['jobledger'] : [...PARTS]) : values.only.split(',').map((p) => p.trim());
  const unknown = parts.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length > 0 || parts.length === 0) throw new UsageError(`--only takes ${PARTS.join(', ')}; got "${values.only}"`);
  if (fixedRate && parts.some((p) => p !== 'jobledger')) throw new UsageError('fixed-rate mode measures Jobledger only: leave out --only, or use --only jobledger');
  if (parts.includes('replay') && !parts.includes('jobledger')) throw new UsageError('replay rebuilds what the jobledger part wrote: add jobledger to --only');
  if (parts.includes('kafka') && !parts.includes('jobledger')) throw new UsageError('kafka produces as many events as the jobledger part wrote: add jobledger to --only');
  return {
    jobs: positiveInt('jobs', values.jobs, 1000, 10_000_000),
    clients: positiveInt('clients', values.clients, 32, 10_000),
    rate: fixedRate ? positiveInt('rate', values.rate, 0, 1_000_000) : undefined,
    durationSec: positiveInt('duration', values.duration, 60, 86_400),
    workers: positiveInt('workers', values.workers, 1, 64),
    slots: positiveInt('slots', values.slots, 8, 1024),
    runtime: runtimeOf(values.runtime),
    parts: PARTS.filter((p) => parts.includes(p)),
    logJobs: positiveInt('log-jobs', values['log-jobs'], 20_000, 10_000_000),
    warmup: wholeNumber('warmup', values.warmup, 1000, 0, 10_000_000),
    out: values.out ?? (fixedRate ? 'bench/results/fixed-rate.json' : 'bench/results/latest.json'),
    ...(values['cpu-prof'] ? { cpuProfDir: values['cpu-prof'] } : {}),
    dbDelayMs: wholeNumber('db-delay-ms', values['db-delay-ms'], 0, 0, 1000),
  };
}
