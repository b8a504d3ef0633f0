import { Metrics } from './metrics';

describe('Metrics', () => {
  it('renders counters with their labels in the Prometheus text format', () => {
    const metrics = new Metrics();
    const deadLetters = metrics.counter('jobledger_dead_letters_total', 'Events sent to the dead-letter topic.');
    deadLetters({ group: 'query', reason: 'UNPARSEABLE' });
    deadLetters({ reason: 'UNPARSEABLE', group: 'query' });
    deadLetters({ group: 'q"x', reason: 'UNKNOWN_TYPE' });
    expect(metrics.render()).toBe(
      '# HELP jobledger_dead_letters_total Events sent to the dead-letter topic.\n' +
        '# TYPE jobledger_dead_letters_total counter\n' +
        'jobledger_dead_letters_total{group="query",reason="UNPARSEABLE"} 2\n' +
        'jobledger_dead_letters_total{group="q\\"x",reason="UNKNOWN_TYPE"} 1\n',
    );
  });

  it('shows a counter that never counted as 0', () => {
    const metrics = new Metrics();
    metrics.counter('jobledger_x_total', 'x');
    expect(metrics.render()).toContain('jobledger_x_total 0\n');
  });
});
