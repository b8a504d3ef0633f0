// Files and command lines of the managed Kafka broker: paths under .jobledger/kafka, server.properties, log4j, JVM flags.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { intEnv, stateDir } from './common.mjs';
import { libsDir } from './kafka-jars.mjs';

export const dir = join(stateDir, 'kafka');
export const dataDir = join(dir, 'data');
export const logsDir = join(dir, 'logs');
export const pidFile = join(dir, 'kafka.pid');
export const propsFile = join(dir, 'server.properties');
export const log4jFile = join(dir, 'log4j.properties');

export function kafkaConfig() {
  const host = '127.0.0.1';
  const port = intEnv('KAFKA_PORT', 9092);
  return { host, port, controllerPort: intEnv('KAFKA_CONTROLLER_PORT', 9093), brokers: `${host}:${port}` };
}

export function writeConfig({ host, port, controllerPort }) {
  mkdirSync(logsDir, { recursive: true });
  const props = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@${host}:${controllerPort}`,
    listeners: `PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${host}:${port}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': dataDir,
    'num.partitions': 3,
    'auto.create.topics.enable': false,
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'group.initial.rebalance.delay.ms': 0,
    // Two cores: fewer threads than the defaults.
    'num.network.threads': 2,
    'num.io.threads': 4,
    'background.threads': 4,
  };
  writeFileSync(propsFile, Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  writeFileSync(
    log4jFile,
    [
      'log4j.rootLogger=INFO, file',
      'log4j.appender.file=org.apache.log4j.RollingFileAppender',
      `log4j.appender.file.File=${join(logsDir, 'server.log')}`,
      'log4j.appender.file.MaxFileSize=20MB',
      'log4j.appender.file.MaxBackupIndex=3',
      'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
      'log4j.logger.state.change.logger=WARN',
      'log4j.logger.kafka.request.logger=WARN',
      'log4j.logger.kafka.log.LogCleaner=WARN',
      '',
    ].join('\n'),
  );
}

export const heapOpts = () => (process.env.KAFKA_HEAP_OPTS ?? '-Xmx512m -Xms256m').split(/\s+/).filter(Boolean);
export const jvm = (heap, main, ...args) => [
  ...heap,
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-Djava.awt.headless=true',
  `-Dlog4j.configuration=file:${log4jFile}`,
  `-Dkafka.logs.dir=${logsDir}`,
  '-cp',
  join(libsDir, '*'),
  main,
  ...args,
];

/** Kafka's Uuid text form: a random v4 UUID in unpadded base64url that does not start with '-'. */
export function newClusterId() {
  for (;;) {
    const b = randomBytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const id = b.toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
