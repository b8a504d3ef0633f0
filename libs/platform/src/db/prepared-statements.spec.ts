import { MAX_PREPARED_STATEMENTS, preparedName } from './prepared-statements';

describe('preparedName', () => {
  it('gives a text the same name every time, other texts other names, and none past the cap', () => {
    const first = preparedName('SELECT $1::int');
    expect(first).toMatch(/^jl_\d+$/);
    expect(preparedName('SELECT $1::int')).toBe(first);
    expect(preparedName('SELECT $1::text')).not.toBe(first);
    for (let i = 0; preparedName(`SELECT ${i}, $1`) !== null; i++) if (i > MAX_PREPARED_STATEMENTS) throw new Error('no cap');
    expect(preparedName('SELECT $1::bigint')).toBeNull();
    // Texts named before the cap keep their names.
    expect(preparedName('SELECT $1::int')).toBe(first);
  });
});
