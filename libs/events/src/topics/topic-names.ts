/** The Kafka topics of SPEC §5, named under one prefix so that tests and tenants can be isolated. */
export interface TopicNames {
  jobEvents: string;
  /** Commands on jobs for their single writer (scheduling); not part of the audit log. */
  jobCommands: string;
  jobOutput: string;
  runbookEvents: string;
  workerEvents: string;
  deviceEvents: string;
  deadLetter: string;
}

/** @default prefix `jobledger.` */
export function topicNames(prefix = 'jobledger.'): TopicNames {
  return {
    jobEvents: `${prefix}job-events`,
    jobCommands: `${prefix}job-commands`,
    jobOutput: `${prefix}job-output`,
    runbookEvents: `${prefix}runbook-events`,
    workerEvents: `${prefix}worker-events`,
    deviceEvents: `${prefix}device-events`,
    deadLetter: `${prefix}dead-letter`,
  };
}

export interface TopicSpec {
  name: string;
  /** Kafka topic configs, e.g. `retention.ms`. */
  configs: Record<string, string>;
}

export interface TopicOptions {
  /** @default 7 days */
  outputRetentionMs?: number;
}

const FOREVER = '-1';
const SEVEN_DAYS_MS = 7 * 24 * 3600 * 1000;

/** Retention per topic: lifecycle and runbook facts are kept forever; heartbeats are compacted. */
export function topicSpecs(prefix = 'jobledger.', options: TopicOptions = {}): TopicSpec[] {
  const t = topicNames(prefix);
  const outputRetention = String(options.outputRetentionMs ?? SEVEN_DAYS_MS);
  return [
    { name: t.jobEvents, configs: { 'retention.ms': FOREVER } },
    { name: t.runbookEvents, configs: { 'retention.ms': FOREVER } },
    { name: t.deviceEvents, configs: { 'retention.ms': FOREVER } },
    { name: t.jobCommands, configs: { 'retention.ms': String(SEVEN_DAYS_MS) } },
    { name: t.jobOutput, configs: { 'retention.ms': outputRetention } },
    { name: t.workerEvents, configs: { 'cleanup.policy': 'compact,delete', 'retention.ms': String(SEVEN_DAYS_MS) } },
    { name: t.deadLetter, configs: { 'retention.ms': FOREVER } },
  ];
}
