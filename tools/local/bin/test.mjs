#!/usr/bin/env node
// `npm test`: every suite against real Kafka and Postgres. Extra arguments go to each nx run-many,
// e.g. `npm test -- --projects=kafka`.
import { startInfra, stopInfra } from '../lib/infra.mjs';
import { createTally } from '../lib/test-tally.mjs';
import { currentCommand, ensureDependencies, formatDuration, nxEnv, runCommand } from '../lib/workspace.mjs';

const extra = process.argv.slice(2);
const steps = [
  ['build', '--parallel=2'],
  ['lint', '--parallel=2'],
  ['test', '--parallel=2'],
  ['int-test', '--parallel=1'],
  ['e2e', '--parallel=1'],
].map(([target, parallel]) => ({ target, args: ['nx', 'run-many', '-t', target, parallel, '--output-style=static', ...extra] }));
const tally = createTally();

const startedAt = Date.now();
let infraStarting = null;
let finishing = false;

const never = () => new Promise(() => {});

async function finish(code) {
  if (finishing) return never(); // a signal already started the shutdown
  finishing = true;
  // Interrupted while starting: let the start settle, then stop what it started.
  const infra = await infraStarting?.catch(() => null);
  if (infra && process.env.JOBLEDGER_KEEP_INFRA !== '1') {
    await stopInfra({ kafka: infra.startedKafka, postgres: infra.startedPostgres }).catch((e) => console.error(e.message));
  }
  console.log(`\n${tally.summary()}`);
  console.log(`${code === 0 ? '✔ npm test passed' : `✘ npm test failed (exit ${code})`} in ${formatDuration(Date.now() - startedAt)}`);
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    currentCommand()?.kill(signal);
    void finish(signal === 'SIGINT' ? 130 : 143);
  });
}

let infra;
try {
  await ensureDependencies();
  infraStarting = startInfra();
  infra = await infraStarting;
  if (finishing) await never();
} catch (e) {
  console.error(`✘ ${e.message}`);
  await finish(e.exitCode ?? 1);
}
const env = nxEnv({ KAFKA_BROKERS: infra.kafkaBrokers, DATABASE_URL: infra.databaseUrl });
console.log(`KAFKA_BROKERS=${infra.kafkaBrokers}\nDATABASE_URL=${infra.databaseUrl}`);

const timings = [];
for (const [i, step] of steps.entries()) {
  if (finishing) await never();
  console.log(`\n━━━━ [${i + 1}/${steps.length}] ${step.target}: npx ${step.args.join(' ')}`);
  const t = Date.now();
  const code = await runCommand('npx', step.args, env, (text) => tally.feed(text));
  timings.push(`${step.target} ${formatDuration(Date.now() - t)}`);
  console.log(`━━━━ ${step.target} ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${formatDuration(Date.now() - t)}`);
  if (code !== 0) await finish(code);
}
console.log(`\nsteps: ${timings.join(', ')}`);
await finish(0);
