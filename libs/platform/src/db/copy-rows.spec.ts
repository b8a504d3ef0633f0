import { copyLines, copyText } from './copy-rows';

describe('COPY text format', () => {
  it('writes null as \\N, numbers as decimals, and plain strings as they are', () => {
    expect(copyText(null)).toBe('\\N');
    expect(copyText(42)).toBe('42');
    expect(copyText(-1.5)).toBe('-1.5');
    expect(copyText('plain "quoted" {json}')).toBe('plain "quoted" {json}');
    expect(copyText('')).toBe('');
  });

  it('escapes the escape character and the row and column separators, and nothing else', () => {
    expect(copyText('a\\b')).toBe('a\\\\b');
    expect(copyText('line\nbreak\tand\rreturn')).toBe('line\\nbreak\\tand\\rreturn');
    expect(copyText('\\N')).toBe('\\\\N');
    expect(copyText('\\.')).toBe('\\\\.');
    expect(copyText('\u0001 ünïcödé 🎉')).toBe('\u0001 ünïcödé 🎉');
  });

  it('separates values by tabs and ends every row with a newline', () => {
    expect(copyLines([['a', 1, null], ['b\tc', 2, 'd']])).toBe('a\t1\t\\N\nb\\tc\t2\td\n');
    expect(copyLines([])).toBe('');
  });
});
