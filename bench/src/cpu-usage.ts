import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on every Linux this runs on). */
const TICKS_PER_SEC = 100;

export interface ProcessCpu {
  comm: string;
  /** user + system of the process itself, seconds. */
  self: number;
  /** user + system of its children that have exited and been waited for, seconds. */
  children: number;
}

/** The CPU times in the text of /proc/<pid>/stat. */
export function parseProcStat(stat: string): ProcessCpu {
  // The command name (field 2) is in parentheses and may hold spaces and parentheses itself.
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  // utime, stime, cutime and cstime are fields 14 to 17 of the line; `fields` starts at field 3.
  const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
  return { comm: stat.slice(stat.indexOf('(') + 1, close), self: (utime + stime) / TICKS_PER_SEC, children: (cutime + cstime) / TICKS_PER_SEC };
}

/** Busy CPU time of the whole machine (all cores: user, nice, system, irq, softirq) in the first line of /proc/stat, in seconds. */
export function parseMachineStat(stat: string): number {
  const [user, nice, system, , , irq, softirq] = stat.split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq) / TICKS_PER_SEC;
}

/** A process's CPU so far; nothing once it has gone (its time is then in `other`). */
function processCpu(pid: number | string): ProcessCpu | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The ids of the processes running on this machine now. */
function runningPids(): string[] {
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
}

/** The CPU so far of every Postgres process on this machine (the server's and its backends). */
function postgresCpuSec(): number {
  let sum = 0;
  for (const pid of runningPids()) {
    const cpu = processCpu(pid);
    if (cpu?.comm === 'postgres') sum += cpu.self;
  }
  return sum;
}

/** The pid of the Kafka broker running on this machine (a JVM running kafka.Kafka), if there is one. */
export function kafkaBrokerPid(): number | undefined {
  for (const pid of runningPids()) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('kafka.Kafka')) return Number(pid);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** The pids of a process's children now (threads' children too). */
function childPids(pid: number | string): string[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) => readFileSync(`/proc/${pid}/task/${task}/children`, 'latin1').split(' ').filter(Boolean));
  } catch {
    return []; // gone meanwhile
  }
}

/**
 * CPU so far of a process's descendants, the exited ones (waited for) and the running ones (a worker's
 * runbook hosts, which may run many jobs before they exit): what moves from a running child to its parent's
 * `children` when it exits is counted once either way.
 */
function descendantsCpuSec(cpu: ProcessCpu, pid: number | string): number {
  let sum = cpu.children;
  for (const child of childPids(pid)) {
    const childCpu = processCpu(child);
    if (childCpu) sum += childCpu.self + descendantsCpuSec(childCpu, child);
  }
  return sum;
}

export interface CpuSnapshot {
  atMs: number;
  machineBusySec: number;
  byProcess: Record<string, number>;
}

/**
 * CPU used so far by the machine and by each named process; with `children`, also what their
 * descendants used, running or exited (as "<name> children"); `postgres`: all of the machine's Postgres
 * processes (a backend that exits between two snapshots takes its time to `other`).
 */
export function cpuSnapshot(pids: Record<string, number>, options: { children?: string[]; postgres?: boolean } = {}): CpuSnapshot {
  const byProcess: Record<string, number> = {};
  for (const [name, pid] of Object.entries(pids)) {
    const cpu = processCpu(pid);
    byProcess[name] = cpu?.self ?? 0;
    if (options.children?.includes(name)) byProcess[`${name} children`] = cpu ? descendantsCpuSec(cpu, pid) : 0;
  }
  if (options.postgres) byProcess.postgres = postgresCpuSec();
  return { atMs: Date.now(), machineBusySec: parseMachineStat(readFileSync('/proc/stat', 'utf8')), byProcess };
}

export interface CpuPerJob {
  wallSec: number;
  /** CPU seconds of all cores between the two snapshots, and as a share of what the cores could give. */
  machineBusySec: number;
  machineBusyPercent: number;
  /** CPU milliseconds per job of each named process, and of everything else (`other`). */
  msPerJob: Record<string, number>;
}

/** Where a run's CPU went, per job, between two snapshots of the same processes. */
export function cpuPerJob(before: CpuSnapshot, after: CpuSnapshot, jobs: number, cores: number): CpuPerJob {
  const wallSec = (after.atMs - before.atMs) / 1000;
  const machineBusySec = after.machineBusySec - before.machineBusySec;
  const perJob = (sec: number) => Math.round((sec * 1000 * 10) / jobs) / 10;
  const msPerJob: Record<string, number> = {};
  let named = 0;
  for (const [name, sec] of Object.entries(after.byProcess)) {
    const used = Math.max(0, sec - (before.byProcess[name] ?? 0));
    named += used;
    msPerJob[name] = perJob(used);
  }
  msPerJob.other = perJob(Math.max(0, machineBusySec - named));
  return {
    wallSec: Math.round(wallSec * 10) / 10,
    machineBusySec: Math.round(machineBusySec * 100) / 100,
    machineBusyPercent: Math.round((machineBusySec / (wallSec * cores)) * 100),
    msPerJob,
  };
}
