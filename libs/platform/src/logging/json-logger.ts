import type { LoggerService } from '@nestjs/common';
import type { LogLevel } from '../config/platform-config';

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/** Structured JSON lines on stdout. Fields carry jobId/accountId/correlationId; never secrets. */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly service: string,
    private readonly level: LogLevel = 'info',
    private readonly fields: Record<string, unknown> = {},
  ) {}

  child(fields: Record<string, unknown>): JsonLogger {
    return new JsonLogger(this.service, this.level, { ...this.fields, ...fields });
  }

  write(level: LogLevel, message: string, fields: Record<string, unknown> = {}): void {
    if (RANK[level] > RANK[this.level]) return;
    const line = { time: new Date().toISOString(), level, service: this.service, message, ...this.fields, ...fields };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }

  info(message: string, fields?: Record<string, unknown>): void {
    this.write('info', message, fields);
  }

  // LoggerService (NestJS) entry points: the optional last param is Nest's context name.
  log(message: unknown, context?: string): void {
    this.write('info', String(message), context ? { context } : {});
  }

  error(message: unknown, ...rest: unknown[]): void {
    const fields = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as Record<string, unknown>) : { detail: rest.filter(Boolean).join(' ') || undefined };
    this.write('error', String(message), fields);
  }

  warn(message: unknown, fields?: unknown): void {
    this.write('warn', String(message), typeof fields === 'object' && fields !== null ? (fields as Record<string, unknown>) : {});
  }

  debug(message: unknown, fields?: unknown): void {
    this.write('debug', String(message), typeof fields === 'object' && fields !== null ? (fields as Record<string, unknown>) : {});
  }

  verbose(message: unknown): void {
    this.write('debug', String(message));
  }
}
