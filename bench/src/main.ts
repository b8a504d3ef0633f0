import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EnvReader } from '@jobledger/platform';
import { parseBenchArgs, UsageError, USAGE } from './args';
import { summarizeProfiles } from './cpu-profile';
import { renderProfiles, renderResults } from './report';
import { runBench } from './run-bench';

/** `npm run bench -- [options]`: prints the table, writes the results file. Exit 2 on a usage error, 1 when a part fails. */
async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseBenchArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  // The services' own reader: a bad setting is named, not turned into NaN.
  const env = new EnvReader(process.env);
  const settings = {
    kafkaBrokers: env.string('KAFKA_BROKERS', '127.0.0.1:9092').split(','),
    databaseUrl: env.string('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/jobledger'),
    partitions: env.int('JOBLEDGER_TOPIC_PARTITIONS', 6, 1, 1000),
    redisUrl: new URL(env.string('BENCH_REDIS_URL', 'redis://127.0.0.1:6379')),
  };
  env.done();
  const results = await runBench(
    options,
    {
      kafkaBrokers: settings.kafkaBrokers,
      databaseUrl: settings.databaseUrl,
      redis: { host: settings.redisUrl.hostname, port: Number(settings.redisUrl.port || 6379) },
      partitions: settings.partitions,
      command: ['npm run bench --', ...argv].join(' '),
    },
    (line) => process.stderr.write(`[bench] ${line}\n`),
  );
  const out = resolve(options.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${renderResults(results)}\n\nwritten to ${out}\n`);
  if (options.cpuProfDir) process.stdout.write(`\n${renderProfiles(summarizeProfiles(options.cpuProfDir))}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`bench failed: ${error.message}\n`);
    process.exit(1);
  },
);
