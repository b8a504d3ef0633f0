/**
 * Creates every Jobledger topic that does not exist yet (idempotent): a step of `npm start`
 * and the chart's topic hook Job.
 * Env: KAFKA_BROKERS, JOBLEDGER_TOPIC_PREFIX, JOBLEDGER_TOPIC_PARTITIONS (default 6),
 * JOBLEDGER_TOPIC_REPLICATION (default 1), JOBLEDGER_OUTPUT_RETENTION_MS (default 7 days).
 */
import { topicSpecs } from '@jobledger/events';
import { createKafkajsEventBus } from '../kafkajs/kafkajs-event-bus';

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

async function main(): Promise<void> {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is not set: give host:port of a broker, e.g. 127.0.0.1:9092');
  const prefix = process.env.JOBLEDGER_TOPIC_PREFIX ?? 'jobledger.';
  const retention = process.env.JOBLEDGER_OUTPUT_RETENTION_MS;
  const specs = topicSpecs(prefix, { outputRetentionMs: retention ? Number(retention) : undefined });
  const log = (level: string, message: string, fields: Record<string, unknown>) => {
    if (level === 'error') process.stderr.write(`${JSON.stringify({ level, message, ...fields })}\n`);
  };
  const admin = await createKafkajsEventBus({ brokers, clientId: 'jobledger-create-topics', log }).admin();
  try {
    const created = await admin.ensureTopics(
      specs,
      positiveInt('JOBLEDGER_TOPIC_PARTITIONS', 6),
      positiveInt('JOBLEDGER_TOPIC_REPLICATION', 1),
    );
    process.stdout.write(`${JSON.stringify({ level: 'info', message: 'topics ready', created, topics: specs.map((s) => s.name) })}\n`);
  } finally {
    await admin.disconnect();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`create-topics failed: ${error.message}\n`);
  process.exit(1);
});
