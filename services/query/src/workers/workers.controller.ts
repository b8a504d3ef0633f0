import { Controller, Get, Inject } from '@nestjs/common';
import { PLATFORM_CONFIG } from '@jobledger/platform';
import type { QueryConfig } from '../config';
import { WorkerReader } from './worker-reader';

@Controller('v1/workers')
export class WorkersController {
  constructor(
    private readonly registry: WorkerReader,
    @Inject(PLATFORM_CONFIG) private readonly config: QueryConfig,
  ) {}

  /** Workers are platform resources: every account sees the same list. */
  @Get()
  async list() {
    const now = Date.now();
    const rows = await this.registry.list();
    return {
      items: rows.map((row) => ({
        id: row.worker_id,
        group: row.group_name,
        slots: row.slots,
        running: row.running.length,
        startedAt: new Date(row.started_at).toISOString(),
        lastSeenAt: new Date(row.last_seen).toISOString(),
        live: !row.stopped && now - new Date(row.last_seen).getTime() < this.config.workerTimeoutMs,
      })),
      nextCursor: null,
    };
  }
}
