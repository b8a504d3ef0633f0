import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/api-key.guard';
import { Infrastructure } from '../lifecycle/infrastructure';
import { Metrics } from '../metrics/metrics';

@Controller()
export class HealthController {
  constructor(
    private readonly infrastructure: Infrastructure,
    private readonly registry: Metrics,
  ) {}

  /** Liveness: the process is up and serving. */
  @Public()
  @Get('healthz')
  @HttpCode(200)
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Prometheus metrics of this process. */
  @Public()
  @Get('metrics')
  metrics(@Res() res: Response): void {
    res.status(200).type('text/plain; version=0.0.4').send(this.registry.render());
  }

  /** Readiness: Kafka and Postgres answer right now, and start-up work is done. */
  @Public()
  @Get('readyz')
  async readyz(@Res() res: Response): Promise<void> {
    const report = await this.infrastructure.readiness();
    res.status(report.ready ? 200 : 503).json({ status: report.ready ? 'ready' : 'not ready', checks: report.checks });
  }
}
