import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseBenchArgs } from './args';
import type { BenchOptions } from './args';
import { renderResults } from './report';
import { runBench } from './run-bench';

const MAIN = join(__dirname, '../dist/main.js');

describe('npm run bench, small, against the real services, Kafka, Postgres and Redis', () => {
  it('measures all five parts of one run and reports them consistently', async () => {
    const options = parseBenchArgs(['--jobs', '24', '--clients', '4', '--slots', '4', '--log-jobs', '300', '--warmup', '24']) as BenchOptions;
    const lines: string[] = [];
    const results = await runBench(
      options,
      {
        kafkaBrokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
        databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/jobledger',
        redis: { host: '127.0.0.1', port: 6379 },
        partitions: 3,
        command: 'test',
      },
      (line) => lines.push(line),
    );
    const { jobledger, bullmq, kafka, replay, replayLog } = results;
    if (!jobledger || !bullmq || !kafka || !replay || !replayLog) throw new Error(`a part is missing: ${Object.keys(results).join(', ')}`);

    // Every job measured from its own events, none left out, and none of the warm-up's counted.
    expect(jobledger.warmupJobs).toBe(24);
    // The planner has statistics of every table of the four services after the warm-up, as autovacuum gives a deployment.
    expect(jobledger.analyzedTables).toBeGreaterThanOrEqual(25);
    expect(jobledger.submitToRunningMs.count).toBe(24);
    expect(jobledger.submitToCompletedMs.count).toBe(24);
    expect(jobledger.httpSubmitMs.count).toBe(24);
    // Readable as Completed only after the Completed event, and after the POST was answered.
    expect(jobledger.submitToVisibleCompletedMs.count).toBe(24);
    expect(jobledger.submitToVisibleCompletedMs.p50).toBeGreaterThanOrEqual(jobledger.httpSubmitMs.p50);
    expect(jobledger.p50SubmitToRunningMs).toBeLessThanOrEqual(jobledger.p99SubmitToRunningMs);
    expect(jobledger.p99SubmitToRunningMs).toBeLessThanOrEqual(jobledger.p99SubmitToCompletedMs);
    expect(jobledger.jobsPerSec).toBeGreaterThan(0);
    expect(jobledger.jobsPerSec).toBeCloseTo(24 / (jobledger.wallMs / 1000), 0);
    // At least Submitted, Assigned, Started and Completed per job on job-events, and the workers' reports on job-commands.
    expect(jobledger.kafkaMessagesByTopic['job-events']).toBeGreaterThanOrEqual(24 * 4);
    // ... and not the warm-up's (as many jobs again: at least 4 more events each).
    expect(jobledger.kafkaMessagesByTopic['job-events']).toBeLessThan(24 * 4 + 24 * 4);
    // Each job commits at least its submission and its four decided events; far more would be a miscount.
    expect(jobledger.postgresCommitsPerJob).toBeGreaterThan(5);
    expect(jobledger.postgresCommitsPerJob).toBeLessThan(60);
    expect(jobledger.kafkaMessagesByTopic['job-commands']).toBeGreaterThanOrEqual(24 * 2);
    // Where the cores went: every service, the worker, the broker, and the rest of the machine.
    const cpu = jobledger.cpu.msPerJob;
    expect(Object.keys(cpu)).toEqual(expect.arrayContaining(['submission', 'scheduling', 'query', 'gateway', 'kafka broker', 'postgres', 'bench', 'other']));
    for (const busy of ['submission', 'scheduling', 'query', 'postgres', 'bench']) expect(cpu[busy]).toBeGreaterThan(0);
    // The worker, and the runbook hosts it forked (node jobs), which have exited by the end of the run.
    expect(Object.entries(cpu).filter(([name, ms]) => name.startsWith('bench-') && ms > 0)).toHaveLength(2);
    expect(jobledger.cpu.machineBusySec).toBeGreaterThan(0);

    expect(bullmq.addToProcessedMs.count).toBe(24);
    expect(bullmq.warmupJobs).toBe(24);
    expect(bullmq.concurrency).toBe(4);
    expect(bullmq.jobsPerSec).toBeGreaterThan(0);

    expect(kafka.events).toBe(jobledger.kafkaMessages);
    expect(kafka.messageBytes).toBe(Math.round(jobledger.kafkaMeanMessageBytes));

    expect(replay.differences).toBe(0);
    expect(replay.events).toBeGreaterThanOrEqual(jobledger.kafkaMessagesByTopic['job-events']);

    // Every event of the written log replayed (it checks the rebuilt rows itself, or it throws).
    expect(replayLog).toMatchObject({ jobs: 300, events: 300 * 5 });
    expect(replayLog.eventsPerSec).toBeGreaterThan(0);

    expect(results.ratios.vsBullmq).toBeCloseTo(jobledger.jobsPerSec / bullmq.jobsPerSec, 3);
    expect(Object.keys(results.peakRssBytes)).toEqual(expect.arrayContaining(['submission', 'scheduling', 'query', 'gateway', 'bench']));
    expect(Object.keys(results.peakRssBytes).some((name) => name.startsWith('bench-'))).toBe(true);
    for (const bytes of Object.values(results.peakRssBytes)) expect(bytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(results.machine.cores).toBeGreaterThan(0);
    expect(results.goals.map((g) => g.met)).toEqual([jobledger.jobsPerSec >= 5000, 'not measured', replayLog.eventsPerSec >= 50_000]);
    expect(results.goals[2].measured).toBe(`${replayLog.eventsPerSec} events/s (1500 events)`);

    const table = renderResults(results);
    expect(table).toMatch(new RegExp(`Jobledger end to end \\(24 node jobs, 4 clients, after 24 warm-up\\) +${jobledger.jobsPerSec} jobs/s`));
    expect(table).toContain('BullMQ 24 jobs, 4 clients, concurrency 4, after 24 warm-up');
    expect(table).toContain(`raw kafkajs produce+consume (${kafka.events} x`);
    expect(table).toMatch(new RegExp(`replay of a log of 300 completed jobs \\(1500 events, \\d+ B\\) +${replayLog.eventsPerSec} events/s`));
    expect(table).toMatch(/CPU per job \(\d+% of the cores busy\): [\d.]+ ms = /);
    expect(lines).toContain('Jobledger: 24 no-op node jobs from 4 clients');
    expect(lines).toContain('warming up: 24 jobs, not measured');
  }, 180_000);

  it('measures a fixed arrival rate', async () => {
    const options = parseBenchArgs(['--rate', '10', '--duration', '2', '--slots', '4', '--runtime', 'shell', '--warmup', '0']) as BenchOptions;
    const results = await runBench(
      options,
      { kafkaBrokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/jobledger', redis: { host: '127.0.0.1', port: 6379 }, partitions: 3, command: 'test' },
      () => undefined,
    );
    expect(results.mode).toBe('fixed-rate');
    expect(results.jobledger).toMatchObject({ mode: 'fixed-rate', jobs: 20, targetRatePerSec: 10, runtime: 'shell' });
    // 20 arrivals 100 ms apart take about 1.9 s to send.
    expect(results.jobledger?.submitRatePerSec).toBeGreaterThan(8);
    expect(results.jobledger?.submitRatePerSec).toBeLessThan(12);
    expect(results.jobledger?.arrivalLagMs?.count).toBe(20);
    expect(results.bullmq).toBeUndefined();
  }, 120_000);

  it('refuses bad flags with exit 2 and says how to use it', () => {
    const run = spawnSync(process.execPath, [MAIN, '--jobs', 'lots'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--jobs must be a whole number from 1 to 10000000, got "lots"');
    expect(run.stderr).toContain('usage: npm run bench -- [options]');
  });

  it('says which service is down instead of hanging', () => {
    const run = spawnSync(process.execPath, [MAIN, '--jobs', '1', '--only', 'jobledger'], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing' }, timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Postgres at postgres://postgres@127.0.0.1:1/nothing did not answer');
  });

  it('names a bad setting instead of running with it', () => {
    const run = spawnSync(process.execPath, [MAIN, '--jobs', '1'], { encoding: 'utf8', env: { ...process.env, JOBLEDGER_TOPIC_PARTITIONS: 'zero' }, timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('JOBLEDGER_TOPIC_PARTITIONS must be an integer from 1 to 1000, got "zero"');
  });
});
