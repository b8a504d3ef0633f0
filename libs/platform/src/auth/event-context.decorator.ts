import { createParamDecorator } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { EventContext } from '../events/event-stamp';
import type { Principal } from './principal';

const CORRELATION = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The event context of an authenticated request: the key as actor, and the caller's
 * `X-Correlation-Id` (or a fresh one) as correlation and causation id.
 */
export const CurrentEventContext = createParamDecorator((_: unknown, ctx: ExecutionContext): EventContext => {
  const request = ctx.switchToHttp().getRequest<Request & { principal?: Principal }>();
  const principal = request.principal;
  if (!principal) throw new Error('CurrentEventContext used on a public route');
  const header = request.headers['x-correlation-id'];
  const correlationId = typeof header === 'string' && CORRELATION.test(header) ? header : randomUUID();
  return { actor: { kind: 'apiKey', id: principal.keyId, role: principal.role }, correlationId, causationId: correlationId };
});
