import { parseBenchArgs, UsageError } from './args';

describe('bench flags', () => {
  it('defaults to the closed loop with every part', () => {
    expect(parseBenchArgs([])).toEqual({
      jobs: 1000,
      clients: 32,
      rate: undefined,
      durationSec: 60,
      workers: 1,
      slots: 8,
      runtime: 'node',
      parts: ['jobledger', 'bullmq', 'kafka', 'replay', 'replay-log'],
      logJobs: 20_000,
      warmup: 1000,
      out: 'bench/results/latest.json',
      dbDelayMs: 0,
    });
  });

  it('puts Postgres further away on request, and refuses a delay that is not a whole number of ms', () => {
    expect(parseBenchArgs(['--db-delay-ms', '2'])).toMatchObject({ dbDelayMs: 2 });
    expect(() => parseBenchArgs(['--db-delay-ms', '0.5'])).toThrow('--db-delay-ms must be a whole number from 0 to 1000, got "0.5"');
  });

  it('takes N, C and a part list in their canonical order', () => {
    expect(parseBenchArgs(['--jobs', '500', '--clients', '8', '--only', 'bullmq,jobledger'])).toMatchObject({ jobs: 500, clients: 8, parts: ['jobledger', 'bullmq'] });
  });

  it('replays a log of its own, of the size asked for, without the other parts', () => {
    expect(parseBenchArgs(['--only', 'replay-log', '--log-jobs', '200000'])).toMatchObject({ parts: ['replay-log'], logJobs: 200_000 });
  });

  it('warms up with as many jobs as asked, or none', () => {
    expect(parseBenchArgs(['--warmup', '2000'])).toMatchObject({ warmup: 2000 });
    expect(parseBenchArgs(['--warmup', '0'])).toMatchObject({ warmup: 0 });
  });

  it('runs the no-op runbook in node or shell', () => {
    expect(parseBenchArgs(['--runtime', 'shell'])).toMatchObject({ runtime: 'shell' });
  });

  it('has a fixed-rate mode that measures Jobledger alone into its own file', () => {
    expect(parseBenchArgs(['--rate', '200', '--duration', '30'])).toMatchObject({ rate: 200, durationSec: 30, parts: ['jobledger'], out: 'bench/results/fixed-rate.json' });
  });

  it.each([
    [['--jobs', '0'], /--jobs must be a whole number from 1/],
    [['--jobs', '1.5'], /--jobs must be a whole number/],
    [['--clients', 'many'], /--clients must be a whole number/],
    [['--rate', '200', '--jobs', '10'], /--jobs is for the closed loop/],
    [['--duration', '10'], /--duration needs --rate/],
    [['--only', 'redis'], /--only takes jobledger, bullmq, kafka, replay, replay-log/],
    [['--log-jobs', 'all'], /--log-jobs must be a whole number/],
    [['--warmup', 'some'], /--warmup must be a whole number from 0 to/],
    [['--runtime', 'python'], /--runtime takes node or shell, got "python"/],
    [['--only', 'replay'], /replay rebuilds what the jobledger part wrote/],
    [['--rate', '100', '--only', 'bullmq'], /fixed-rate mode measures Jobledger only/],
    [['--fast'], /Unknown option '--fast'/],
  ])('refuses %j with a message that says how to fix it', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(UsageError);
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });

  it('answers --help', () => {
    expect(parseBenchArgs(['--help'])).toBe('help');
  });
});
