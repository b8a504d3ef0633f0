// Small helpers shared by the local tooling. Node built-ins only: these scripts run on a fresh clone.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
/** Git-ignored state: broker jars, data, logs, pidfiles. */
export const stateDir = join(repoRoot, '.jobledger');

/** Progress goes to stderr so stdout stays machine-readable (`KEY=value` lines). */
export const log = (msg) => process.stderr.write(`[infra] ${msg}\n`);

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function intEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0 || n > 65535) throw new Error(`${name}=${raw} is not a valid port`);
  return n;
}

/** Runs a command to completion; never throws on a non-zero exit. */
export function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...options });
  if (r.error) return { status: -1, stdout: '', stderr: String(r.error.message) };
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  return null;
}

/** True while the process runs. A zombie counts as gone: PID 1 in a container may never reap it. */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if (e.code !== 'EPERM') return false;
  }
  let stat;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return !existsSync('/proc/self'); // no procfs (macOS): trust kill(0)
  }
  return stat[stat.lastIndexOf(')') + 2] !== 'Z';
}

/** The pid in a pidfile, or null when the file is missing or its process is gone. */
export function livePid(pidFile) {
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : null;
}

export const writePid = (pidFile, pid) => writeFileSync(pidFile, `${pid}\n`);
export const removePid = (pidFile) => rmSync(pidFile, { force: true });

export function tail(file, lines = 40) {
  if (!existsSync(file)) return `(no ${file})`;
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

/** SIGTERM, then SIGKILL after graceMs; resolves once the process is gone. */
export async function terminate(pid, graceMs) {
  const signal = (sig) => {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(200);
  if (isAlive(pid)) {
    signal('SIGKILL');
    while (isAlive(pid)) await sleep(100);
    return 'killed';
  }
  return 'terminated';
}

/** True when something accepts TCP connections on host:port. */
export function tcpOpen(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (open) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('connect', () => done(true));
    socket.on('error', () => done(false));
  });
}
