// The driver's own array encoding (pg/lib/utils has no type declarations).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prepareValue } = require('pg/lib/utils') as { prepareValue(value: unknown): string };
import { pgArray } from './pg-array';

describe('pgArray', () => {
  it('writes the same literal as the pg driver for strings and nulls, on the fast and the careful path', () => {
    const fast = ['a', 'with "quotes"', 'back\\slash', JSON.stringify({ a: 'x"y', b: 'c:\\new' }), '{braces},commas', '', 'emoji 🎉', null];
    const careful = [...fast, 'line\nbreak', '\u0001', 'lone \ud800 surrogate'];
    expect(pgArray(fast)).toBe(prepareValue(fast));
    expect(pgArray(careful)).toBe(prepareValue(careful));
  });

  it('writes integers unquoted and an empty array as {}', () => {
    expect(pgArray([1, -2, null])).toBe('{1,-2,null}');
    expect(pgArray([])).toBe('{}');
  });
});
