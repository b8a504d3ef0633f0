import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { topicNames } from '@jobledger/events';
import { createKafkajsEventBus } from '@jobledger/kafka';

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
  stop(): Promise<void>;
}

export interface StackOptions {
  /** @default 1 */
  workers?: number;
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

function run(script: string, env: NodeJS.ProcessEnv, logs: string[]): ChildProcess {
  const child = spawn(process.execPath, [join(ROOT, script)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
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
  const prefix = `e2e_${id}_`;
  const adminKey = `e2e-admin-${randomBytes(8).toString('hex')}`;
  const base: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/jobledger',
    JOBLEDGER_TOPIC_PREFIX: `e2e.${id}.`,
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
  const children: ChildProcess[] = [];
  const workers = new Map<string, ChildProcess>();
  for (const service of SERVICES.filter((s) => s !== 'execution')) {
    logs.set(service, []);
    children.push(run(`services/${service}/dist/main.js`, { ...base, PORT: String(ports[service]) }, logs.get(service) as string[]));
  }
  for (let i = 1; i <= (options.workers ?? 1); i++) {
    const workerId = `e2e-${id}-w${i}`;
    logs.set(workerId, []);
    const child = run('services/execution/dist/main.js', { ...base, PORT: String(i === 1 ? ports.execution : await freePort()), WORKER_ID: workerId }, logs.get(workerId) as string[]);
    workers.set(workerId, child);
    children.push(child);
  }
  logs.set('gateway', []);
  const url = (s: string) => `http://127.0.0.1:${ports[s]}`;
  children.push(
    run('services/gateway/dist/main.js', { ...base, PORT: String(ports.gateway), SUBMISSION_URL: url('submission'), SCHEDULING_URL: url('scheduling'), QUERY_URL: url('query') }, logs.get('gateway') as string[]),
  );
  const baseUrl = url('gateway');
  const stop = async () => {
    await Promise.all(
      children.map((c) => new Promise((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve(null) : (c.once('exit', resolve), c.kill('SIGTERM'))))),
    );
    const db = new Client({ connectionString: base.DATABASE_URL });
    await db.connect();
    for (const s of SERVICES) await db.query(`DROP SCHEMA IF EXISTS "${prefix}${s}" CASCADE`);
    await db.end();
    const admin = await createKafkajsEventBus({ brokers: String(base.KAFKA_BROKERS).split(','), clientId: 'e2e-cleanup', log: () => undefined }).admin();
    await admin.deleteTopics(Object.values(topicNames(base.JOBLEDGER_TOPIC_PREFIX)));
    await admin.disconnect();
  };
  try {
    await waitFor(`${baseUrl}/readyz`, 45_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${[...logs].map(([s, l]) => `--- ${s}\n${l.join('').slice(-3000)}`).join('\n')}`);
  }
  const killWorker = async (workerId: string, signal: NodeJS.Signals) => {
    const child = workers.get(workerId);
    if (!child) throw new Error(`no worker ${workerId}`);
    if (child.exitCode === null && child.signalCode === null) await new Promise((resolve) => (child.once('exit', resolve), child.kill(signal)));
  };
  const urls = Object.fromEntries([...SERVICES, 'gateway'].map((s) => [s, url(s)]));
  return { baseUrl, adminKey, prefix, env: base, topicPrefix: String(base.JOBLEDGER_TOPIC_PREFIX), urls, logs, workerIds: [...workers.keys()], killWorker, stop };
}

/** Polls GET /v1/jobs/{id} until the job is in one of `statuses`. */
export async function waitForStatus(stack: Stack, id: string, statuses: string[], timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await request(stack.baseUrl).get(`/v1/jobs/${id}`).set('Authorization', `Bearer ${stack.adminKey}`);
    if (res.status === 200 && statuses.includes(res.body.status)) return res.body;
    if (Date.now() > deadline) throw new Error(`job ${id} did not reach ${statuses.join('|')}; last answer ${res.status} ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
