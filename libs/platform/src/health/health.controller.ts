import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/api-key.guard';
import { Infrastructure } from '../lifecycle/infrastructure';

@Controller()
export class HealthController {
  constructor(private readonly infrastructure: Infrastructure) {}

  /** Liveness: the process is up and serving. */
  @Public()
  @Get('healthz')
  @HttpCode(200)
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: Kafka and Postgres answer right now, and start-up work is done. */
  @Public()
  @Get('readyz')
  async readyz(@Res() res: Response): Promise<void> {
    const report = await this.infrastructure.readiness();
    res.status(report.ready ? 200 : 503).json({ status: report.ready ? 'ready' : 'not ready', checks: report.checks });
  }
}
