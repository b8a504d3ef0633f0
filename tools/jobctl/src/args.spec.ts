import { UsageError, allowOnly, outputFormat, parseArgs } from './args';

describe('parseArgs', () => {
  it('splits words from options with values, inline or not', () => {
    const args = parseArgs(['audit', 'export', '--job', 'j-1', '--out=events.jsonl', '-o', 'json', '--keep']);
    expect(args.words).toEqual(['audit', 'export']);
    expect(Object.fromEntries(args.options)).toEqual({ job: 'j-1', out: 'events.jsonl', output: 'json', keep: true });
  });

  it('refuses an option that needs a value and has none', () => {
    expect(() => parseArgs(['audit', 'export', '--job'])).toThrow(new UsageError('--job needs a value'));
  });

  it('refuses an unknown output format and unknown options', () => {
    expect(() => outputFormat(parseArgs(['-o', 'yaml']))).toThrow('-o must be table or json, not yaml');
    expect(() => allowOnly(parseArgs(['--force']), ['output'])).toThrow('unknown option --force (this command takes --output)');
  });
});
