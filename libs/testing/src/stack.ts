import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { topicNames } from '@jobledger/events';
import { createKafkajsEventBus } from '@jobledger/kafka';

/** The repository root, from libs/testing/src or libs/testing/dist. */
const ROOT = join(__dirname, '../../..');
const SERVICES = ['submission', 'scheduling', 'execution', 'query'] as const;

export interface Stack {
  baseUrl: string;
  adminKey: string;
  prefix: string;
  logs: Map<string, string[]>;
  /** Every topic of this stack starts with it. */
  topicPrefix: string;
  /** The settings the services were started with (Kafka, Postgres, prefixes): what a CLI user would export. */
  env: NodeJS.ProcessEnv;
  /** Each service's own URL (for what the gateway does not route, like /metrics). */
  urls: Record<string, string>;
  /** The execution workers' ids, in start order. */
  workerIds: string[];
  /** Sends a signal to one execution worker (e.g. SIGKILL, to lose it) and waits for it to exit. */
  killWorker(workerId: string, signal: NodeJS.Signals): Promise<void>;
  /** The process id of each service and worker, by name. */
  pids: Record<string, number>;
  /** Each running process's peak resident set so far (VmHWM of /proc), in bytes, by service or worker id. */
  peakRss(): Record<string, number>;
  /** The last `chars` characters each process logged, under its name: for an error that must show why. */
  logTail(chars: number): string;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** @default 1 */
  workers?: number;
  /** Node options for the service processes, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** Starts the names of topics (`<label>.<id>.`), schemas (`<label>_<id>_`) and workers. @default e2e */
  label?: string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function run(script: string, env: NodeJS.ProcessEnv, logs: string[], nodeArgs: string[] = []): ChildProcess {
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, script)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  return child;
}

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} was not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Starts the four services and the gateway as real processes (from their built dist), on
 * topics and schemas of their own, against the Kafka and Postgres of KAFKA_BROKERS/DATABASE_URL.
 */
export async function startStack(extraEnv: NodeJS.ProcessEnv = {}, options: StackOptions = {}): Promise<Stack> {
  const id = randomBytes(4).toString('hex');
  const label = options.label ?? 'e2e';
  const prefix = `${label}_${id}_`;
  const adminKey = `e2e-admin-${randomBytes(8).toString('hex')}`;
  const base: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/jobledger',
    JOBLEDGER_TOPIC_PREFIX: `${label}.${id}.`,
    JOBLEDGER_SCHEMA_PREFIX: prefix,
    JOBLEDGER_ADMIN_KEY: adminKey,
    JOBLEDGER_TOPIC_PARTITIONS: '3',
    JOBLEDGER_HEARTBEAT_MS: '500',
    JOBLEDGER_WORKER_TIMEOUT_MS: '3000',
    LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  const logs = new Map<string, string[]>();
  const topicLogs: string[] = [];
  const code = await new Promise<number | null>((resolve) => run('libs/kafka/dist/bin/create-topics.js', base, topicLogs).on('exit', resolve));
  if (code !== 0) throw new Error(`create-topics failed: ${topicLogs.join('')}`);
  const ports = Object.fromEntries(await Promise.all([...SERVICES, 'gateway'].map(async (s) => [s, await freePort()])));
  const processes = new Map<string, ChildProcess>();
  const start = (name: string, script: string, env: NodeJS.ProcessEnv) => {
    logs.set(name, []);
    processes.set(name, run(script, { ...base, ...env }, logs.get(name) as string[], options.nodeArgs));
  };
  for (const service of SERVICES.filter((s) => s !== 'execution')) start(service, `services/${service}/dist/main.js`, { PORT: String(ports[service]) });
  const workerIds: string[] = [];
  for (let i = 1; i <= (options.workers ?? 1); i++) {
    const workerId = `${label}-${id}-w${i}`;
    workerIds.push(workerId);
    start(workerId, 'services/execution/dist/main.js', { PORT: String(i === 1 ? ports.execution : await freePort()), WORKER_ID: workerId });
  }
  const url = (s: string) => `http://127.0.0.1:${ports[s]}`;
  start('gateway', 'services/gateway/dist/main.js', { PORT: String(ports.gateway), SUBMISSION_URL: url('submission'), SCHEDULING_URL: url('scheduling'), QUERY_URL: url('query') });
  const baseUrl = url('gateway');
  const stop = async () => {
    await Promise.all(
      [...processes.values()].map((c) => new Promise((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve(null) : (c.once('exit', resolve), c.kill('SIGTERM'))))),
    );
    const db = new Client({ connectionString: base.DATABASE_URL });
    await db.connect();
    for (const s of SERVICES) await db.query(`DROP SCHEMA IF EXISTS "${prefix}${s}" CASCADE`);
    await db.end();
    const admin = await createKafkajsEventBus({ brokers: String(base.KAFKA_BROKERS).split(','), clientId: `${label}-cleanup`, log: () => undefined }).admin();
    await admin.deleteTopics(Object.values(topicNames(base.JOBLEDGER_TOPIC_PREFIX)));
    await admin.disconnect();
  };
  const logTail = (chars: number) => [...logs].map(([name, lines]) => `--- ${name}\n${lines.join('').slice(-chars)}`).join('\n');
  try {
    await waitFor(`${baseUrl}/readyz`, 45_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${logTail(3000)}`);
  }
  const killWorker = async (workerId: string, signal: NodeJS.Signals) => {
    const child = workerIds.includes(workerId) ? processes.get(workerId) : undefined;
    if (!child) throw new Error(`no worker ${workerId}`);
    if (child.exitCode === null && child.signalCode === null) await new Promise((resolve) => (child.once('exit', resolve), child.kill(signal)));
  };
  const urls = Object.fromEntries([...SERVICES, 'gateway'].map((s) => [s, url(s)]));
  const peakRss = () =>
    Object.fromEntries([...processes].flatMap(([name, child]) => (child.pid !== undefined && child.exitCode === null ? [[name, peakRssOf(child.pid)]] : [])));
  const pids = Object.fromEntries([...processes].map(([name, child]) => [name, child.pid ?? 0]));
  return { baseUrl, adminKey, prefix, env: base, topicPrefix: String(base.JOBLEDGER_TOPIC_PREFIX), urls, logs, workerIds, killWorker, peakRss, logTail, pids, stop };
}

/** VmHWM of /proc/<pid>/status: the process's peak resident set, in bytes (0 when it is gone). */
function peakRssOf(pid: number): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

