// Kafka + Postgres for local runs: the ones configured in the environment, else project-managed ones.
import { log, sleep } from './common.mjs';
import { kafkaStatus, startKafka, stopKafka } from './kafka.mjs';
import { kafkaAnswers, parseBrokers } from './kafka-protocol.mjs';
import { postgresStatus, startPostgres, stopPostgres } from './postgres.mjs';

/** Waits up to 30 s for one of the KAFKA_BROKERS to answer (a docker compose broker may still be starting). */
async function checkGivenBrokers(list) {
  const brokers = parseBrokers(list);
  const deadline = Date.now() + 30_000;
  do {
    for (const { host, port } of brokers) if (await kafkaAnswers(host, port, 2000)) return;
    await sleep(1000);
  } while (Date.now() < deadline);
  throw new Error(`KAFKA_BROKERS=${list}: no broker answers a Kafka ApiVersions request`);
}

/**
 * Ensures both are up. Resolves { kafkaBrokers, databaseUrl, startedKafka, startedPostgres, ... };
 * the `started*` flags say what this call launched, so the caller stops only that.
 */
export async function startInfra() {
  const pg = await startPostgres();
  let kafka;
  try {
    if (process.env.KAFKA_BROKERS) {
      await checkGivenBrokers(process.env.KAFKA_BROKERS);
      kafka = { brokers: process.env.KAFKA_BROKERS, pid: null, started: false, managed: false };
    } else {
      kafka = await startKafka();
    }
  } catch (e) {
    if (pg.started) stopPostgres();
    throw e;
  }
  const how = kafka.started ? `started (pid ${kafka.pid})` : kafka.pid ? `reused (pid ${kafka.pid})` : 'external';
  log(`Kafka ${kafka.brokers} ${how}; Postgres ${pg.kind}${pg.started ? ', started' : ''}`);
  return {
    kafkaBrokers: kafka.brokers,
    kafkaPid: kafka.pid,
    databaseUrl: pg.databaseUrl,
    postgresKind: pg.kind,
    startedKafka: kafka.started,
    startedPostgres: pg.started,
  };
}

/** Stops what the project manages; pass flags to stop only what one run started. */
export async function stopInfra({ kafka = true, postgres = true } = {}) {
  const stoppedKafka = kafka ? await stopKafka() : false;
  const stoppedPostgres = postgres ? stopPostgres() : false;
  return { stoppedKafka, stoppedPostgres };
}

export async function infraStatus() {
  return { kafka: await kafkaStatus(), postgres: postgresStatus() };
}
