export type InvalidEventReason =
  | 'UNPARSEABLE'
  | 'INVALID_ENVELOPE'
  | 'UNKNOWN_TYPE'
  | 'UNSUPPORTED_VERSION'
  | 'INVALID_DATA'
  /** Readable, but its consumer failed on it with an error no retry can fix. */
  | 'PROJECTION_FAILED';

/** An event that no retry can fix: it goes to the dead-letter topic with this reason. */
export class InvalidEventError extends Error {
  readonly unrecoverable = true;

  constructor(
    readonly reason: InvalidEventReason,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidEventError';
  }
}
