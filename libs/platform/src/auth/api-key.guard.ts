import { Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { ApiError } from '../http/api-error';
import { hashApiKey } from './api-key-store';
import type { ApiKeyStore } from './api-key-store';
import { roleAllows } from './principal';
import type { Principal, Role } from './principal';

const PUBLIC = 'jobledger:public';
const ROLE = 'jobledger:role';

/** Marks a route that needs no key (health probes). */
export const Public = () => SetMetadata(PUBLIC, true);
/** The least role a route needs. Routes without it need `reader`. */
export const RequireRole = (role: Role) => SetMetadata(ROLE, role);

type AuthedRequest = Request & { principal?: Principal };

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a public route');
  return principal;
});

export const BOOTSTRAP_ACCOUNT = 'default';

@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly bootstrapHash: Buffer | null;

  constructor(
    private readonly reflector: Reflector,
    private readonly store: ApiKeyStore,
    adminKey: string | undefined,
  ) {
    this.bootstrapHash = adminKey ? Buffer.from(hashApiKey(adminKey), 'hex') : null;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const principal = await this.authenticate(request.headers.authorization);
    const required = this.reflector.getAllAndOverride<Role>(ROLE, targets) ?? 'reader';
    if (!roleAllows(principal.role, required)) {
      throw new ApiError('FORBIDDEN', `this needs the ${required} role; the key has the ${principal.role} role`);
    }
    request.principal = principal;
    return true;
  }

  private async authenticate(header: string | undefined): Promise<Principal> {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match) {
      throw new ApiError('UNAUTHENTICATED', 'missing API key: send the header "Authorization: Bearer <key>"');
    }
    const hash = Buffer.from(hashApiKey(match[1]), 'hex');
    if (this.bootstrapHash && timingSafeEqual(hash, this.bootstrapHash)) {
      return { keyId: 'bootstrap', accountId: BOOTSTRAP_ACCOUNT, role: 'admin', platformAdmin: true };
    }
    const principal = await this.store.findByHash(hash.toString('hex'));
    if (!principal) throw new ApiError('UNAUTHENTICATED', 'the API key is not valid or was revoked');
    return principal;
  }
}
