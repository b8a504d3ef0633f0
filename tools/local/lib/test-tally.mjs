// Adds up what the test runners print (Jest's "Tests:" line, node:test's TAP "# pass/# fail"),
// so `npm test` can end with one plain "tests: N passed, N failed, N skipped" line.
const ANSI = /\x1b\[[0-9;]*m/g;

export function createTally() {
  const totals = { passed: 0, failed: 0, skipped: 0 };
  let partial = '';
  const count = (line) => {
    const text = line.replace(ANSI, '');
    const jest = /Tests:\s+(.*\d+ total)/.exec(text);
    if (jest) {
      for (const kind of ['passed', 'failed', 'skipped']) {
        const m = new RegExp(`(\\d+) ${kind}`).exec(jest[1]);
        if (m) totals[kind] += Number(m[1]);
      }
      return;
    }
    const tap = /^# (pass|fail|skipped) (\d+)\s*$/.exec(text.replace(/^.*?\s# /, '# '));
    if (tap) totals[{ pass: 'passed', fail: 'failed', skipped: 'skipped' }[tap[1]]] += Number(tap[2]);
  };
  return {
    feed(chunk) {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      lines.forEach(count);
    },
    summary() {
      if (partial) count(partial);
      partial = '';
      return `tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`;
    },
  };
}
