import { spawn } from 'node:child_process';
import { cpuPerJob, cpuSnapshot, parseMachineStat, parseProcStat } from './cpu-usage';

describe('CPU usage from /proc', () => {
  it('reads a process’s user and system time and its children’s, whatever its command name holds', () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime ...
    const stat = '4242 (node (my) worker) S 1 4242 4242 0 -1 4194560 9000 0 12 0 1234 566 77 88 20 0 11 0';
    expect(parseProcStat(stat)).toEqual({ comm: 'node (my) worker', self: 18, children: 1.65 });
  });

  it('reads the machine’s busy time: user, nice, system, irq and softirq, not idle, iowait or steal', () => {
    const stat = 'cpu  1000 50 300 90000 400 20 30 700 0 0\ncpu0 500 25 150 45000 200 10 15 350 0 0\n';
    expect(parseMachineStat(stat)).toBeCloseTo(14.0, 5);
  });

  it('gives each process’s CPU per job, and the rest of the machine’s as other', () => {
    const before = { atMs: 0, machineBusySec: 100, byProcess: { scheduling: 10, worker: 20 } };
    const after = { atMs: 10_000, machineBusySec: 115, byProcess: { scheduling: 13, worker: 24 } };
    expect(cpuPerJob(before, after, 200, 2)).toEqual({
      wallSec: 10,
      machineBusySec: 15,
      machineBusyPercent: 75,
      msPerJob: { scheduling: 15, worker: 20, other: 40 },
    });
  });

  it('counts a process that has gone as nothing, not as negative time', () => {
    const before = { atMs: 0, machineBusySec: 0, byProcess: { worker: 20 } };
    const after = { atMs: 1_000, machineBusySec: 1, byProcess: { worker: 0 } };
    expect(cpuPerJob(before, after, 10, 1).msPerJob).toEqual({ worker: 0, other: 100 });
  });

  it('counts the CPU of running descendants as the process’s children, not only of exited ones', async () => {
    // A child whose own child burns ~300 ms of CPU and then waits, both still running when the snapshot is taken.
    const burn = 'const end = Date.now() + 300; while (Date.now() < end); console.log("burnt"); setInterval(() => {}, 1000)';
    const middle = `require('child_process').spawn(process.execPath, ['-e', ${JSON.stringify(burn)}], { stdio: 'inherit' })`;
    const child = spawn(process.execPath, ['-e', middle], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    try {
      await new Promise((resolve) => child.stdout.once('data', resolve));
      const seen = cpuSnapshot({ parent: process.pid }, { children: ['parent'] }).byProcess['parent children'];
      expect(seen).toBeGreaterThanOrEqual(0.25);
    } finally {
      process.kill(-(child.pid as number), 'SIGKILL');
    }
  });
});
