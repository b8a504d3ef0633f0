import { Controller, Get } from '@nestjs/common';
import { WORKER_GROUP_DEFAULTS as DEFAULTS } from '@jobledger/events';
import { WorkerReader } from './worker-reader';

@Controller('v1/worker-groups')
export class WorkerGroupsController {
  constructor(private readonly registry: WorkerReader) {}

  @Get()
  async list() {
    const rows = await this.registry.groups();
    return {
      items: rows.map((row) => ({
        name: row.name,
        fairShareSeconds: row.fair_share_seconds ?? DEFAULTS.fairShareSeconds,
        ratePerCpuSecond: row.rate_per_cpu_second ?? DEFAULTS.ratePerCpuSecond,
        cancelWhileRunning: row.cancel_while_running ?? DEFAULTS.cancelWhileRunning,
        configuredAt: row.configured_at ? new Date(row.configured_at).toISOString() : null,
      })),
      nextCursor: null,
    };
  }
}
