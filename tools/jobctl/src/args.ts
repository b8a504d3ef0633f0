/** A command line split into positional words and `--flag [value]` options. */
export interface ParsedArgs {
  words: string[];
  options: Map<string, string | true>;
}

/** Thrown for a command line that cannot be run; the CLI prints it with the usage and exits 2. */
export class UsageError extends Error {}

const VALUE_FLAGS = new Set(['job', 'account', 'out', 'o', 'output', 'schema']);

export function parseArgs(argv: string[]): ParsedArgs {
  const words: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-') || arg === '-') {
      words.push(arg);
      continue;
    }
    const [flag, inline] = arg.replace(/^--?/, '').split(/=(.*)/s, 2);
    if (!VALUE_FLAGS.has(flag)) {
      if (inline !== undefined) throw new UsageError(`--${flag} takes no value`);
      options.set(flag, true);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') throw new UsageError(`--${flag} needs a value`);
    options.set(flag === 'o' ? 'output' : flag, value);
  }
  return { words, options };
}

export function outputFormat(args: ParsedArgs): 'table' | 'json' {
  const format = args.options.get('output') ?? 'table';
  if (format !== 'table' && format !== 'json') throw new UsageError(`-o must be table or json, not ${String(format)}`);
  return format;
}

/** Rejects options a verb does not know, so a typo never passes silently. */
export function allowOnly(args: ParsedArgs, allowed: string[]): void {
  for (const name of args.options.keys()) {
    if (!allowed.includes(name)) throw new UsageError(`unknown option --${name} (this command takes ${allowed.map((a) => `--${a}`).join(', ') || 'no options'})`);
  }
}
