import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { CurrentPrincipal, ROLES, RequireRole, v, validateBody } from '@jobledger/platform';
import type { Principal } from '@jobledger/platform';
import { AccessService } from './access.service';

const createAccountRequest = { name: v.string({ min: 1, max: 128, pattern: /^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, patternText: 'letters, digits, spaces, ".", "_", "-"' }) };
const createKeyRequest = { role: v.oneOf(ROLES), accountId: v.optional(v.string({ min: 1, max: 64 })) };

@Controller('v1')
export class AccessController {
  constructor(private readonly access: AccessService) {}

  @Post('accounts')
  @HttpCode(201)
  @RequireRole('admin')
  createAccount(@Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    return this.access.createAccount(principal, validateBody(createAccountRequest, body).name);
  }

  /** The key is in this answer only; store it now. */
  @Post('keys')
  @HttpCode(201)
  @RequireRole('admin')
  createKey(@Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    const request = validateBody(createKeyRequest, body);
    return this.access.createKey(principal, request.role, request.accountId);
  }

  @Delete('keys/:id')
  @HttpCode(204)
  @RequireRole('admin')
  async revokeKey(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.access.revokeKey(principal, id);
  }
}
