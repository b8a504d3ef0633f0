import { pathOfNulCharacter } from './body-parsing';

describe('pathOfNulCharacter', () => {
  it('names where a string or a key holds U+0000', () => {
    expect(pathOfNulCharacter({ runbook: 'x', parameters: { text: 'a\u0000b' } })).toBe('$.parameters.text');
    expect(pathOfNulCharacter({ tags: ['a', 'b', '\u0000'] })).toBe('$.tags[2]');
    expect(pathOfNulCharacter({ parameters: { 'odd key': { 'k\u0000': 1 } } })).toBe('$.parameters["odd key"]["k\\u0000"]');
    expect(pathOfNulCharacter('\u0000')).toBe('$');
  });

  it('finds nothing in bodies without it, escaped backslashes included', () => {
    expect(pathOfNulCharacter({ runbook: 'x', parameters: { text: '\\u0000', n: 1, ok: true, none: null, list: [{}] } })).toBeNull();
    expect(pathOfNulCharacter(undefined)).toBeNull();
  });
});
