/**
 * Codes of refusals by the domain. The API maps each to an HTTP status (409 for all but
 * JOB_NOT_FOUND → 404); callers switch on the code, never on the message.
 */
export type DomainErrorCode =
  | 'JOB_NOT_IN_STATUS'
  | 'JOB_ALREADY_EXISTS'
  | 'JOB_NOT_FOUND'
  /** Reserved: decide reports commands on final jobs as JOB_NOT_IN_STATUS (SPEC §2: a 409 naming the status). */
  | 'JOB_IS_FINAL'
  | 'JOB_CANNOT_BE_CANCELLED';

export const DOMAIN_ERROR_CODES: readonly DomainErrorCode[] = Object.freeze([
  'JOB_NOT_IN_STATUS',
  'JOB_ALREADY_EXISTS',
  'JOB_NOT_FOUND',
  'JOB_IS_FINAL',
  'JOB_CANNOT_BE_CANCELLED',
] as const);

/** A command refused by a business rule. Not retryable: the same command on the same state is refused again. */
export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: DomainErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}
