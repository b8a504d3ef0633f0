import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createKafkajsEventBus } from '@jobledger/kafka';
import type { EventBus } from '@jobledger/kafka';
import { ConfigError, serviceSchema } from '@jobledger/platform';
import { rebuildReadModel } from '@jobledger/read-model';
import { ApiClient, CliError, requireAuditor } from './api-client';
import type { Me } from './api-client';
import { UsageError, allowOnly, outputFormat, parseArgs } from './args';
import type { ParsedArgs } from './args';
import { auditTopics, readLoggedEvents } from './audit/log-events';
import { buildTimeline, formatTimeline } from './audit/timeline';
import { formatVerify, visibleReport } from './audit/verify';
import { readCliSettings } from './settings';
import type { CliSettings } from './settings';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

/** Exit codes of SPEC §7. */
export const EXIT = { ok: 0, error: 1, usage: 2, timedOut: 3 } as const;

export const USAGE = `usage: jobctl audit timeline JOB [-o json]
       jobctl audit export (--job JOB | --account ACCOUNT) [--out FILE]
       jobctl audit verify [--keep] [-o json]

Settings come from the environment, as the services read them: JOBLEDGER_URL (default
http://localhost:8080) and JOBLEDGER_KEY (an auditor key), KAFKA_BROKERS, DATABASE_URL,
JOBLEDGER_TOPIC_PREFIX and JOBLEDGER_SCHEMA_PREFIX.
Exit codes: 0 ok, 1 error (or, for verify, a difference), 2 usage.`;

export async function runCli(argv: string[], io: Io): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args.words.length === 0 || args.options.has('help') || args.words[0] === 'help') {
      io.out(USAGE);
      return args.words.length === 0 && !args.options.has('help') ? EXIT.usage : EXIT.ok;
    }
    if (args.words[0] !== 'audit') throw new UsageError(`unknown command ${args.words[0]}`);
    return await audit(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`jobctl: ${error.message}\n${USAGE}`);
      return EXIT.usage;
    }
    if (error instanceof ConfigError) {
      io.err(`jobctl: bad settings:\n${error.problems.map((p) => `  - ${p}`).join('\n')}`);
      return EXIT.error;
    }
    io.err(`jobctl: ${error instanceof CliError ? error.message : `unexpected error: ${(error as Error).stack ?? String(error)}`}`);
    return EXIT.error;
  }
}

async function audit(args: ParsedArgs, io: Io): Promise<number> {
  const [, verb, ...rest] = args.words;
  const commands: Record<string, () => void> = {
    timeline: () => (allowOnly(args, ['output']), expectWords(rest, 1, 'audit timeline JOB')),
    export: () => (allowOnly(args, ['job', 'account', 'out']), expectWords(rest, 0, 'audit export'), exportTarget(args)),
    verify: () => (allowOnly(args, ['keep', 'output']), expectWords(rest, 0, 'audit verify')),
  };
  if (!verb || !commands[verb]) throw new UsageError(verb ? `unknown audit command ${verb}` : 'audit needs a command: timeline, export or verify');
  commands[verb]();
  const format = outputFormat(args);
  const settings = readCliSettings(io.env);
  const me = await new ApiClient(settings.url, settings.key).me();
  requireAuditor(me);
  const bus = createKafkajsEventBus({ brokers: settings.platform.kafkaBrokers, clientId: 'jobctl', log: () => undefined });
  const poison = (where: string, reason: string) => io.err(`jobctl: skipped a message that is not an event at ${where} (${reason})`);
  if (verb === 'timeline') {
    const events = await readLoggedEvents(bus, auditTopics(settings.platform.topicPrefix), { jobId: rest[0], accountId: scope(me) }, poison);
    if (events.length === 0) throw new CliError(`no events of job ${rest[0]} on the log${me.platformAdmin ? '' : ` of account ${me.accountId}`}`);
    const timeline = buildTimeline(rest[0], events);
    io.out(format === 'json' ? JSON.stringify(timeline, null, 2) : formatTimeline(timeline));
    return EXIT.ok;
  }
  if (verb === 'export') return exportEvents(bus, settings, args, me, io, poison);
  return verify(bus, settings, args, me, io, format);
}

function expectWords(words: string[], count: number, usage: string): void {
  if (words.length !== count) throw new UsageError(`${usage} takes ${count === 0 ? 'no arguments' : `${count} argument(s)`}, got ${words.length}`);
}

function exportTarget(args: ParsedArgs): void {
  if (args.options.has('job') === args.options.has('account')) throw new UsageError('audit export needs exactly one of --job JOB or --account ACCOUNT');
}

/** Whose events a key may read: its own account's, or everyone's for the platform admin. */
function scope(me: Me): string | undefined {
  return me.platformAdmin ? undefined : me.accountId;
}

async function exportEvents(bus: EventBus, settings: CliSettings, args: ParsedArgs, me: Me, io: Io, poison: (w: string, r: string) => void): Promise<number> {
  const account = args.options.get('account') as string | undefined;
  if (account && !me.platformAdmin && account !== me.accountId) throw new CliError(`this key may export account ${me.accountId} only, not ${account}`);
  const jobId = args.options.get('job') as string | undefined;
  const events = await readLoggedEvents(bus, auditTopics(settings.platform.topicPrefix), { jobId, accountId: account ?? scope(me) }, poison);
  const file = args.options.get('out') as string | undefined;
  // Each line is the event's bytes exactly as on the log, so digests can be recomputed from the export.
  const lines = events.map((e) => `${e.bytes.toString('utf8')}\n`);
  if (file) {
    const stream = createWriteStream(file);
    for (const line of lines) if (!stream.write(line)) await once(stream, 'drain');
    stream.end();
    await once(stream, 'finish');
    io.err(`jobctl: wrote ${events.length} events to ${file}`);
  } else {
    io.out(lines.join('').replace(/\n$/, ''));
  }
  return EXIT.ok;
}

async function verify(bus: EventBus, settings: CliSettings, args: ParsedArgs, me: Me, io: Io, format: 'table' | 'json'): Promise<number> {
  const report = await rebuildReadModel({
    bus,
    databaseUrl: settings.platform.databaseUrl,
    topicPrefix: settings.platform.topicPrefix,
    liveSchema: serviceSchema(settings.platform, 'query'),
    freshSchema: `${serviceSchema(settings.platform, 'query')}_verify_${randomBytes(3).toString('hex')}`,
    keep: args.options.has('keep'),
  });
  const shown = visibleReport(report, me);
  io.out(format === 'json' ? JSON.stringify(shown, null, 2) : formatVerify(shown));
  return report.differences === 0 ? EXIT.ok : EXIT.error;
}
