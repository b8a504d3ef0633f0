import { copyChunks, copyText } from './copy-rows';

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
    expect([...copyChunks([['a', 1, null], ['b\tc', 2, 'd']])]).toEqual(['a\t1\t\\N\nb\\tc\t2\td\n']);
    expect([...copyChunks([])]).toEqual([]);
  });

  it('cuts the rows into chunks of whole rows once a chunk reaches the given size', () => {
    const rows = Array.from({ length: 7 }, (_, i) => [`row-${i}`, i]);
    const chunks = [...copyChunks(rows, 16)];
    // 'row-0\t0\n' is 8 characters: two rows reach 16.
    expect(chunks).toEqual(['row-0\t0\nrow-1\t1\n', 'row-2\t2\nrow-3\t3\n', 'row-4\t4\nrow-5\t5\n', 'row-6\t6\n']);
  });
});
