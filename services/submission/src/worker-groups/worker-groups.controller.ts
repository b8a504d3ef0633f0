import { Body, Controller, Param, Put, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiError, CurrentEventContext, CurrentPrincipal, RequireRole, validateBody } from '@jobledger/platform';
import type { EventContext, Principal } from '@jobledger/platform';
import { NAME_PATTERN, NAME_RULE } from '../runbooks/publish-runbook.request';
import { ConfigureWorkerGroupHandler } from './configure-worker-group.handler';
import { configureWorkerGroupRequest } from './configure-worker-group.request';

@Controller('v1/worker-groups')
export class WorkerGroupsController {
  constructor(private readonly configure: ConfigureWorkerGroupHandler) {}

  /** 201 when the group is new, 200 when it was updated; platform admin only. */
  @Put(':name')
  @RequireRole('admin')
  async put(
    @Param('name') name: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @CurrentEventContext() context: EventContext,
    @Res({ passthrough: true }) res: Response,
  ) {
    if (!principal.platformAdmin) {
      throw new ApiError('FORBIDDEN', 'worker groups are platform resources: only the platform admin key (JOBLEDGER_ADMIN_KEY) may change them');
    }
    if (!NAME_PATTERN.test(name)) {
      throw new ApiError('VALIDATION_FAILED', `the group name must be ${NAME_RULE}`, [{ field: 'name', rule: 'pattern', message: `name must be ${NAME_RULE}` }]);
    }
    const request = validateBody(configureWorkerGroupRequest, body);
    const { group, created } = await this.configure.handle({ name, ...request }, context);
    res.status(created ? 201 : 200);
    return { name: group.name, fairShareSeconds: group.fairShareSeconds, ratePerCpuSecond: group.ratePerCpuSecond, cancelWhileRunning: group.cancelWhileRunning, updatedAt: group.at };
  }
}
