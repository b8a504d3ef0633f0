import { Catch, HttpException } from '@nestjs/common';
import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import type { JsonLogger } from '../logging/json-logger';
import { API_ERROR_STATUS, ApiError } from './api-error';
import type { ApiErrorCode } from './api-error';

/** Typed domain refusals carry a `code`; the ones the API knows map to their status. */
interface CodedError {
  code: string;
  message: string;
  details?: unknown;
}

function isCoded(error: unknown): error is CodedError {
  return error instanceof Error && typeof (error as Partial<CodedError>).code === 'string' && (error as unknown as CodedError).code in API_ERROR_STATUS;
}

const HTTP_CODES: Record<number, ApiErrorCode> = { 400: 'VALIDATION_FAILED', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE' };

/** Answers every error as `{ error: { code, message, details } }`. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: JsonLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const error = this.toApiError(exception);
    if (error.status >= 500) {
      this.logger.error('request failed', { code: error.code, error: (exception as Error)?.stack ?? String(exception) });
    }
    response.status(error.status).json(error.toBody());
  }

  private toApiError(exception: unknown): ApiError {
    if (exception instanceof ApiError) return exception;
    if (isCoded(exception)) return new ApiError(exception.code as ApiErrorCode, exception.message, exception.details ?? null);
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = HTTP_CODES[status];
      if (code) return new ApiError(code, status === 404 ? 'no such route: check the method and path' : exception.message);
    }
    return new ApiError('INTERNAL', 'internal error; see the service logs');
  }
}
