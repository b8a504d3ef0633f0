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
 * JSON bodies up to `limitBytes`; a larger body is 413 and bad JSON is 400, both in our error
 * shape. Installed before Nest's routes (Nest's own body parser is turned off).
 */
export function installJsonBodyParser(app: INestApplication, limitBytes: number): void {
  app.use(json({ limit: limitBytes }));
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
