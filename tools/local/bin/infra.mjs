#!/usr/bin/env node
// usage: node tools/local/bin/infra.mjs start|status|stop
// start prints KAFKA_BROKERS=... and DATABASE_URL=... on stdout (progress goes to stderr).
import { infraStatus, startInfra, stopInfra } from '../lib/infra.mjs';

const commands = {
  async start() {
    const infra = await startInfra();
    process.stdout.write(`KAFKA_BROKERS=${infra.kafkaBrokers}\nDATABASE_URL=${infra.databaseUrl}\n`);
  },
  async status() {
    const { kafka, postgres } = await infraStatus();
    const owner = kafka.pid ? `managed, pid ${kafka.pid}` : 'not started by this project';
    console.log(`kafka     ${kafka.brokers}  ${kafka.answers ? 'answers' : 'DOWN'}  (${owner})`);
    console.log(`postgres  ${postgres.databaseUrl}  ${postgres.answers ? 'answers' : 'DOWN'}  (${postgres.kind})`);
    if (postgres.note) console.log(`          ${postgres.note}`);
    return kafka.answers && postgres.answers ? 0 : 1;
  },
  async stop() {
    const { stoppedKafka, stoppedPostgres } = await stopInfra();
    console.log(`kafka     ${stoppedKafka ? 'stopped' : 'was not running (managed)'}`);
    console.log(`postgres  ${stoppedPostgres ? 'private cluster stopped' : 'no private cluster running'}`);
  },
};

const command = commands[process.argv[2]];
if (!command) {
  console.error('usage: node tools/local/bin/infra.mjs start|status|stop');
  process.exit(2);
}
try {
  process.exitCode = (await command()) ?? 0;
} catch (e) {
  console.error(`[infra] error: ${e.message}`);
  process.exitCode = 1;
}
