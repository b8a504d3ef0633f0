import { Controller, Get } from '@nestjs/common';
import { CurrentPrincipal } from '@jobledger/platform';
import type { Principal } from '@jobledger/platform';

/** Who the bearer key belongs to: lets a client (jobctl) check its account and role before it acts. */
@Controller('v1/me')
export class MeController {
  @Get()
  me(@CurrentPrincipal() principal: Principal) {
    return { keyId: principal.keyId, accountId: principal.accountId, role: principal.role, platformAdmin: principal.platformAdmin };
  }
}
