#!/usr/bin/env node
// `npm start`: build, Kafka + Postgres, topics, migrations, the four services and the gateway; Ctrl-C stops it all.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { intEnv, repoRoot, sleep } from '../lib/common.mjs';
import { startInfra, stopInfra } from '../lib/infra.mjs';
import { spawnService, stopServices } from '../lib/supervisor.mjs';
import { currentCommand, ensureDependencies, nxEnv, runCommand } from '../lib/workspace.mjs';

const port = (name, fallback) => intEnv(`${name.toUpperCase()}_PORT`, fallback);
const SERVICES = [
  { name: 'submission', port: port('submission', 8081), migrates: true },
  { name: 'scheduling', port: port('scheduling', 8082), migrates: true },
  { name: 'execution', port: port('execution', 8083), migrates: true },
  { name: 'query', port: port('query', 8084), migrates: true },
  { name: 'gateway', port: port('gateway', 8080), migrates: false },
];
const url = (name) => `http://127.0.0.1:${SERVICES.find((s) => s.name === name).port}`;
const READY_TIMEOUT_MS = Number(process.env.JOBLEDGER_START_TIMEOUT_MS ?? 120_000);

let infraStarting = null;
let services = [];
let stopping = false;
const never = () => new Promise(() => {});

/** Stops services, then the infra this run started, and exits. Never resolves. */
async function shutdown(code, reason) {
  if (stopping) return never();
  stopping = true;
  if (reason) console.error(`\n${reason}; shutting down`);
  currentCommand()?.kill('SIGTERM');
  await stopServices(services, 10_000);
  const infra = await infraStarting?.catch(() => null);
  if (infra && process.env.JOBLEDGER_KEEP_INFRA !== '1') {
    await stopInfra({ kafka: infra.startedKafka, postgres: infra.startedPostgres }).catch((e) => console.error(e.message));
  }
  process.exit(code);
  return never();
}
process.on('SIGINT', () => shutdown(0, 'Ctrl-C'));
process.on('SIGTERM', () => shutdown(0, 'SIGTERM'));

/** Runs one preparation step; any failure ends `npm start` with that step's exit code. */
async function step(title, cmd, args, env) {
  if (stopping) await never();
  console.log(`── ${title}`);
  const code = await runCommand(cmd, args, env);
  if (code !== 0) await shutdown(code, `${title} failed (exit ${code})`);
}

async function waitForGateway() {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && !stopping) {
    const status = await fetch(`${url('gateway')}/readyz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.status, () => 0);
    if (status === 200) return true;
    await sleep(500);
  }
  return false;
}

try {
  await ensureDependencies();
} catch (e) {
  await shutdown(e.exitCode ?? 1, e.message);
}
await step('build: npx nx run-many -t build', 'npx', ['nx', 'run-many', '-t', 'build'], nxEnv());
infraStarting = startInfra();
const infra = await infraStarting.catch((e) => shutdown(1, e.message));
const adminKey = process.env.JOBLEDGER_ADMIN_KEY || randomBytes(24).toString('base64url');
const env = { ...process.env, KAFKA_BROKERS: infra.kafkaBrokers, DATABASE_URL: infra.databaseUrl, JOBLEDGER_ADMIN_KEY: adminKey };

await step('topics: node libs/kafka/dist/bin/create-topics.js', process.execPath, ['libs/kafka/dist/bin/create-topics.js'], env);
for (const s of SERVICES.filter((x) => x.migrates)) {
  const script = `services/${s.name}/dist/migrate.js`;
  if (existsSync(join(repoRoot, script))) await step(`migrations: node ${script}`, process.execPath, [script], env);
}

const width = Math.max(...SERVICES.map((s) => s.name.length));
const upstreams = { SUBMISSION_URL: url('submission'), QUERY_URL: url('query'), SCHEDULING_URL: url('scheduling'), EXECUTION_URL: url('execution') };
if (!stopping) {
  services = SERVICES.map((s) => {
    const childEnv = { ...env, PORT: String(s.port), ...(s.name === 'gateway' ? upstreams : {}) };
    const onExit = (code, signal) => shutdown(1, `service ${s.name} exited (${signal ?? `code ${code}`})`);
    return spawnService(s.name, `services/${s.name}/dist/main.js`, childEnv, width, onExit);
  });
}

if (await waitForGateway()) {
  const base = `http://localhost:${SERVICES.find((s) => s.name === 'gateway').port}`;
  const keyNote = process.env.JOBLEDGER_ADMIN_KEY ? '(from JOBLEDGER_ADMIN_KEY)' : '(generated; set JOBLEDGER_ADMIN_KEY to keep one)';
  console.log(`\n✔ Jobledger is up at ${base}\n  admin key ${adminKey} ${keyNote}\n  Kafka ${infra.kafkaBrokers}  Postgres ${infra.databaseUrl}\n  Ctrl-C stops everything\n`);
} else if (!stopping) {
  await shutdown(1, `${url('gateway')}/readyz did not answer 200 within ${READY_TIMEOUT_MS / 1000} s`);
}
