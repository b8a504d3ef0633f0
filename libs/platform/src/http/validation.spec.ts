import { ApiError } from './api-error';
import { v, validateBody } from './validation';

const shape = {
  name: v.string({ min: 1, max: 8, pattern: /^[a-z]+$/, patternText: 'lower-case letters' }),
  priority: v.optional(v.int({ min: 0, max: 10 })),
  tags: v.optional(v.array(v.string({ max: 3 }), { max: 2 })),
  runtime: v.oneOf(['node', 'shell'] as const),
};

function problemsOf(body: unknown) {
  try {
    validateBody(shape, body);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    return (error as ApiError).details as { field: string; rule: string }[];
  }
  throw new Error('expected a validation error');
}

describe('validateBody', () => {
  it('returns a body that follows every rule', () => {
    expect(validateBody(shape, { name: 'abc', runtime: 'node', tags: ['a'] })).toEqual({ name: 'abc', runtime: 'node', tags: ['a'] });
  });

  it('names an unknown field', () => {
    expect(problemsOf({ name: 'abc', runtime: 'node', colour: 'red' })).toEqual([expect.objectContaining({ field: 'colour', rule: 'unknown' })]);
  });

  it('names a missing required field', () => {
    expect(problemsOf({ name: 'abc' })).toEqual([expect.objectContaining({ field: 'runtime', rule: 'required' })]);
  });

  it('names the rule each field broke', () => {
    const problems = problemsOf({ name: 'ABC', runtime: 'perl', priority: 11, tags: ['abcd'] });
    expect(problems.map((p) => `${p.field}:${p.rule}`).sort()).toEqual(['name:pattern', 'priority:range', 'runtime:enum', 'tags[0]:maxLength']);
  });

  it('refuses a body that is not an object', () => {
    expect(problemsOf([1, 2])).toEqual([expect.objectContaining({ field: '(body)', rule: 'type' })]);
  });
});
