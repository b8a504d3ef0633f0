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

  const text = (chunks: Iterable<Buffer>) => Buffer.concat([...chunks]).toString();

  it('separates values by tabs and ends every row with a newline, in UTF-8', () => {
    expect(text(copyChunks([['a', 1, null], ['b\tc', 2, 'd']]))).toBe('a\t1\t\\N\nb\\tc\t2\td\n');
    expect(text(copyChunks([['ünï 🎉']]))).toBe('ünï 🎉\n');
    expect([...copyChunks([])]).toEqual([]);
  });

  it('starts another chunk where the next value might not fit, never cutting a value, multi-byte ones included', () => {
    const rows = Array.from({ length: 7 }, (_, i) => [`row-${i}`, i]);
    // 'row-0' may take 3 × 5 + 2 bytes: a chunk of 20 holds 'row-0\t0\n' and then nothing more that might not fit.
    const chunks = [...copyChunks(rows, 20)].map((c) => c.toString());
    expect(chunks.join('')).toBe(rows.map(([name, i]) => `${name}\t${i}\n`).join(''));
    expect(chunks.every((c) => c.length <= 20)).toBe(true);
    expect(chunks.length).toBeGreaterThan(2);
    const wide = Array.from({ length: 50 }, (_, i) => [`ü🎉-${i}`, 'é'.repeat(i)]);
    const wideChunks = [...copyChunks(wide, 64)];
    expect(wideChunks.every((c) => c.length <= 64 + 3 * 49 + 2)).toBe(true);
    for (const chunk of wideChunks) expect(chunk.toString()).not.toContain('\ufffd');
    expect(text(wideChunks)).toBe(wide.map(([a, b]) => `${a}\t${b}\n`).join(''));
  });

  it('gives a value longer than a chunk a chunk of its own size', () => {
    const long = 'x'.repeat(100);
    const chunks = [...copyChunks([['a'], [long], ['b']], 16)];
    expect(text(chunks)).toBe(`a\n${long}\nb\n`);
    expect(chunks.some((c) => c.toString().includes(long))).toBe(true);
  });
});
