import { cpus, release, totalmem, type as osType } from 'node:os';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { createKafkajsEventBus } from '@jobledger/kafka';
import { rebuildReadModel } from '@jobledger/read-model';
import { startStack } from '@jobledger/testing';
import type { BenchOptions } from './args';
import { benchBullmq } from './bullmq-bench';
import type { BullmqResult, RedisAddress } from './bullmq-bench';
import { benchJobledger } from './jobledger-bench';
import type { JobledgerResult } from './jobledger-bench';
import { benchKafka } from './kafka-bench';
import type { KafkaResult } from './kafka-bench';
import { benchReplayLog } from './replay-log-bench';
import { startDelayProxy } from './delay-proxy';
import type { ReplayLogResult } from './replay-log-bench';
import { goals, ratios } from './report';
import type { BenchResults, Machine, ReplayResult } from './report';

export interface BenchSettings {
  kafkaBrokers: string[];
  databaseUrl: string;
  redis: RedisAddress;
  /** Partitions of every topic, Jobledger's and the raw Kafka run's. */
  partitions: number;
  command: string;
}

/**
 * One run on this machine: Jobledger end to end on its own topics and schemas (then a replay of
 * what it wrote), the stack stopped, then BullMQ and raw kafkajs with the same load.
 */
export async function runBench(options: BenchOptions, settings: BenchSettings, progress: (line: string) => void): Promise<BenchResults> {
  const startedAt = new Date().toISOString();
  const machine = await describeMachine(settings.databaseUrl);
  const bus = createKafkajsEventBus({ brokers: settings.kafkaBrokers, clientId: 'jobledger-bench', log: () => undefined });
  let jobledger: JobledgerResult | undefined;
  let replay: ReplayResult | undefined;
  let peakRssBytes: Record<string, number> = {};
  const jobs = options.rate ? options.rate * options.durationSec : options.jobs;
  if (options.parts.includes('jobledger')) {
    progress(`starting the services (${options.workers} execution worker(s) x ${options.slots} slots)`);
    const proxy = options.dbDelayMs > 0 ? await startDelayProxy(settings.databaseUrl, options.dbDelayMs) : undefined;
    if (proxy) progress(`Postgres ${options.dbDelayMs} ms further away each way, through ${proxy.url}`);
    const stack = await startStack(
      {
        KAFKA_BROKERS: settings.kafkaBrokers.join(','),
        DATABASE_URL: proxy?.url ?? settings.databaseUrl,
        JOBLEDGER_TOPIC_PARTITIONS: String(settings.partitions),
        JOBLEDGER_HEARTBEAT_MS: '2000',
        JOBLEDGER_WORKER_TIMEOUT_MS: '10000',
        WORKER_SLOTS: String(options.slots),
        JOBLEDGER_WARM_PROCESSES: String(Math.min(options.slots, 64)),
      },
      { workers: options.workers, label: 'bench', nodeArgs: options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(options.cpuProfDir)}`] : [] },
    );
    if (options.cpuProfDir) progress(`profiling into ${options.cpuProfDir}: ${Object.entries(stack.pids).map(([name, pid]) => `${name}=${pid}`).join(' ')}`);
    try {
      progress(options.rate ? `Jobledger: ${jobs} no-op ${options.runtime} jobs at ${options.rate}/s` : `Jobledger: ${jobs} no-op ${options.runtime} jobs from ${options.clients} clients`);
      jobledger = await benchJobledger(stack, bus, { jobs, clients: options.clients, runtime: options.runtime, rate: options.rate, warmup: options.warmup }, progress);
      if (proxy) jobledger = { ...jobledger, dbDelayMs: options.dbDelayMs };
      if (options.parts.includes('replay')) {
        progress('replay: rebuilding the read model from the log into a fresh schema');
        const report = await rebuildReadModel({ bus, databaseUrl: settings.databaseUrl, topicPrefix: stack.topicPrefix, liveSchema: `${stack.prefix}query`, freshSchema: `${stack.prefix}replay` });
        replay = { events: report.messages, eventsPerSec: report.eventsPerSec, rebuildMs: report.rebuildMs, differences: report.differences };
        if (report.differences > 0) throw new Error(`the rebuilt read model differs from the live one in ${report.differences} rows: a replay that is not the same state measures nothing`);
      }
      peakRssBytes = stack.peakRss();
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${stack.logTail(2000)}`);
    } finally {
      await stack.stop();
      await proxy?.close();
    }
  }
  let bullmq: BullmqResult | undefined;
  if (options.parts.includes('bullmq')) {
    progress(`BullMQ: ${jobs} no-op jobs from ${options.clients} clients, concurrency ${options.workers * options.slots}`);
    bullmq = await benchBullmq(settings.redis, { jobs, warmup: options.warmup }, options.clients, options.workers * options.slots);
  }
  let kafka: KafkaResult | undefined;
  if (options.parts.includes('kafka') && jobledger) {
    progress(`raw kafkajs: ${jobledger.kafkaMessages} events of ${jobledger.kafkaMeanMessageBytes} B`);
    kafka = await benchKafka(settings.kafkaBrokers, jobledger.kafkaMessages, jobledger.kafkaMeanMessageBytes, settings.partitions);
  }
  let replayLog: ReplayLogResult | undefined;
  if (options.parts.includes('replay-log')) {
    progress(`replay-log: writing a log of ${options.logJobs} completed jobs, then replaying it into a fresh schema`);
    replayLog = await benchReplayLog(bus, settings.databaseUrl, settings.partitions, options.logJobs);
  }
  peakRssBytes.bench = process.resourceUsage().maxRSS * 1024;
  return {
    mode: options.rate ? 'fixed-rate' : 'closed-loop',
    command: settings.command,
    startedAt,
    finishedAt: new Date().toISOString(),
    machine,
    ...(jobledger ? { jobledger } : {}),
    ...(bullmq ? { bullmq } : {}),
    ...(kafka ? { kafka } : {}),
    ...(replay ? { replay } : {}),
    ...(replayLog ? { replayLog } : {}),
    ratios: ratios(jobledger, bullmq, kafka),
    peakRssBytes,
    goals: goals(jobledger, replay, replayLog),
  };
}

async function describeMachine(databaseUrl: string): Promise<Machine> {
  const db = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3_000 });
  try {
    await db.connect();
  } catch (error) {
    throw new Error(`Postgres at ${databaseUrl} did not answer (${(error as Error).message}); start it, or set DATABASE_URL`);
  }
  try {
    const postgres = (await db.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0].v;
    return { cores: cpus().length, cpuModel: cpus()[0]?.model.trim() ?? 'unknown', memoryBytes: totalmem(), node: process.version, os: `${osType()} ${release()}`, postgres };
  } finally {
    await db.end();
  }
}
