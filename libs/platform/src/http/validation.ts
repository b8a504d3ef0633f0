import { ApiError } from './api-error';

/** One broken rule: which field, which rule, and a sentence that says how to fix it. */
export interface FieldProblem {
  field: string;
  rule: string;
  message: string;
}

/** A field validator: returns the problems of `value` at `path` (empty when fine). */
export type FieldRule<T> = { readonly optional: boolean; check(value: unknown, path: string): FieldProblem[]; readonly _type?: T };

type Shape = Record<string, FieldRule<unknown>>;
type Infer<S extends Shape> = { [K in keyof S as S[K]['optional'] extends true ? never : K]: NonNullable<S[K]['_type']> } & {
  [K in keyof S as S[K]['optional'] extends true ? K : never]?: NonNullable<S[K]['_type']>;
};

function rule<T>(check: (value: unknown, path: string) => FieldProblem[]): FieldRule<T> {
  return { optional: false, check };
}

const problem = (field: string, rule: string, message: string): FieldProblem[] => [{ field, rule, message: `${field} ${message}` }];

export const v = {
  string(opts: { min?: number; max?: number; pattern?: RegExp; patternText?: string } = {}): FieldRule<string> {
    const { min = 0, max = Infinity, pattern, patternText } = opts;
    return rule((value, path) => {
      if (typeof value !== 'string') return problem(path, 'type', 'must be a string');
      if (value.length < min) return problem(path, 'minLength', min === 1 ? 'must not be empty' : `must be at least ${min} characters long`);
      if (value.length > max) return problem(path, 'maxLength', `must be at most ${max} characters long`);
      if (pattern && !pattern.test(value)) return problem(path, 'pattern', `must match ${patternText ?? String(pattern)}`);
      return [];
    });
  },
  int(opts: { min?: number; max?: number } = {}): FieldRule<number> {
    const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = opts;
    return rule((value, path) => {
      if (typeof value !== 'number' || !Number.isInteger(value)) return problem(path, 'type', 'must be an integer');
      if (value < min || value > max) return problem(path, 'range', `must be from ${min} to ${max}`);
      return [];
    });
  },
  number(opts: { min?: number; max?: number } = {}): FieldRule<number> {
    const { min = -Number.MAX_VALUE, max = Number.MAX_VALUE } = opts;
    return rule((value, path) => {
      if (typeof value !== 'number' || !Number.isFinite(value)) return problem(path, 'type', 'must be a number');
      if (value < min || value > max) return problem(path, 'range', `must be from ${min} to ${max}`);
      return [];
    });
  },
  boolean(): FieldRule<boolean> {
    return rule((value, path) => (typeof value === 'boolean' ? [] : problem(path, 'type', 'must be true or false')));
  },
  oneOf<T extends string>(values: readonly T[]): FieldRule<T> {
    return rule((value, path) =>
      typeof value === 'string' && (values as readonly string[]).includes(value) ? [] : problem(path, 'enum', `must be one of: ${values.join(', ')}`),
    );
  },
  object(): FieldRule<Record<string, unknown>> {
    return rule((value, path) =>
      typeof value === 'object' && value !== null && !Array.isArray(value) ? [] : problem(path, 'type', 'must be a JSON object'),
    );
  },
  array<T>(item: FieldRule<T>, opts: { max?: number } = {}): FieldRule<T[]> {
    return rule((value, path) => {
      if (!Array.isArray(value)) return problem(path, 'type', 'must be an array');
      if (opts.max !== undefined && value.length > opts.max) return problem(path, 'maxItems', `must have at most ${opts.max} items`);
      return value.flatMap((entry, i) => item.check(entry, `${path}[${i}]`));
    });
  },
  optional<T>(inner: FieldRule<T>): FieldRule<T | undefined> {
    return { optional: true, check: (value, path) => (value === undefined || value === null ? [] : inner.check(value, path)) };
  },
};

/** Validates a request body against a shape; unknown fields are refused. Throws 400 VALIDATION_FAILED. */
export function validateBody<S extends Shape>(shape: S, body: unknown): Infer<S> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError('VALIDATION_FAILED', 'the request body must be a JSON object', [
      { field: '(body)', rule: 'type', message: 'send a JSON object with Content-Type: application/json' },
    ]);
  }
  const record = body as Record<string, unknown>;
  const problems: FieldProblem[] = Object.keys(record)
    .filter((key) => !(key in shape))
    .map((key) => ({ field: key, rule: 'unknown', message: `${key} is not a known field; allowed: ${Object.keys(shape).join(', ')}` }));
  for (const [key, fieldRule] of Object.entries(shape)) {
    if (record[key] === undefined && !fieldRule.optional) problems.push({ field: key, rule: 'required', message: `${key} is required` });
    else problems.push(...fieldRule.check(record[key], key));
  }
  if (problems.length > 0) {
    throw new ApiError('VALIDATION_FAILED', problems.map((p) => p.message).join('; '), problems);
  }
  return record as Infer<S>;
}
