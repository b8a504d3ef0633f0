import { json } from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { INestApplication } from '@nestjs/common';
import { ApiError } from './api-error';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
}

/**
 * Where in a parsed JSON value a string (or a key) holds the character U+0000, as a path like
 * `$.parameters.text` or `$.tags[2]`; null when none does. Postgres stores no such character in
 * text or jsonb, so a body with one could never be written.
 */
export function pathOfNulCharacter(value: unknown, path = '$'): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = pathOfNulCharacter(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const at = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
      if (key.includes('\u0000')) return at;
      const found = pathOfNulCharacter(item, at);
      if (found) return found;
    }
  }
  return null;
}

/**
 * JSON bodies up to `limitBytes`; a larger body is 413, bad JSON is 400, and so is a string with
 * the character U+0000 (naming where), all in our error shape. Installed before Nest's routes
 * (Nest's own body parser is turned off).
 */
export function installJsonBodyParser(app: INestApplication, limitBytes: number): void {
  app.use(json({ limit: limitBytes }));
  app.use((req: Request, res: Response, next: NextFunction) => {
    const at = pathOfNulCharacter(req.body);
    if (at === null) return next();
    const apiError = new ApiError('VALIDATION_FAILED', `the request body holds the character U+0000 (\\u0000) at ${at}, which cannot be stored; remove it or encode the data`, {
      path: at,
    });
    res.status(apiError.status).json(apiError.toBody());
  });
  app.use((error: BodyParserError, _req: Request, res: Response, next: NextFunction) => {
    if (error.type === 'entity.too.large') {
      const apiError = new ApiError('PAYLOAD_TOO_LARGE', `the request body is larger than the limit of ${limitBytes} bytes`, { limitBytes });
      res.status(apiError.status).json(apiError.toBody());
      return;
    }
    if (error.type === 'entity.parse.failed') {
      const apiError = new ApiError('INVALID_JSON', `the request body is not valid JSON: ${error.message}`);
      res.status(apiError.status).json(apiError.toBody());
      return;
    }
    next(error);
  });
}
