/** Every error code the API answers with, and its HTTP status. Clients match on codes, never on messages. */
export const API_ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  RUNBOOK_NOT_FOUND: 404,
  JOB_NOT_FOUND: 404,
  JOB_ID_CONFLICT: 409,
  JOB_NOT_IN_STATUS: 409,
  JOB_CANNOT_BE_CANCELLED: 409,
  JOB_ALREADY_EXISTS: 409,
  ALREADY_EXISTS: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string; details: unknown };
}

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get status(): number {
    return API_ERROR_STATUS[this.code];
  }

  toBody(): ApiErrorBody {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}
