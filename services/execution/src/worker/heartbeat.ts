import { Inject, Injectable } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import { Infrastructure, JsonLogger, PLATFORM_CONFIG } from '@jobledger/platform';
import type { ExecutionConfig } from '../config';
import { JobEventWriter } from './job-event-writer';

/** Tells the schedulers this worker lives, its group, its slots and what it runs. */
@Injectable()
export class Heartbeat implements OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt = new Date().toISOString();
  private readonly context;
  private running: () => string[] = () => [];
  private fence: () => void = () => undefined;
  private lastBeatAt = Date.now();

  constructor(
    private readonly writer: JobEventWriter,
    private readonly logger: JsonLogger,
    private readonly infra: Infrastructure,
    @Inject(PLATFORM_CONFIG) private readonly config: ExecutionConfig,
  ) {
    const id = `execution/${config.workerId}`;
    this.context = { actor: { kind: 'service' as const, id }, correlationId: id, causationId: id };
  }

  /**
   * Starts beating once Kafka and Postgres answer (the worker listens for assignments by then). When no
   * heartbeat got through for 3/4 of the worker timeout, `fence` ends the worker's runs: the
   * schedulers are about to hand its jobs to other workers.
   */
  start(running: () => string[], fence: () => void): void {
    this.running = running;
    this.fence = fence;
    void this.infra.whenReady().then(() => {
      this.lastBeatAt = Date.now();
      void this.beat();
      this.timer = setInterval(() => void this.beat(), this.config.heartbeatMs);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    const { workerId, workerGroup: group } = this.config;
    await this.writer
      .publishOnce([{ type: 'WorkerStopped', data: { workerId, group, at: new Date().toISOString() } }], this.context, 'platform')
      .catch(() => undefined);
  }

  private async beat(): Promise<void> {
    const { workerId, workerGroup: group, workerSlots: slots } = this.config;
    try {
      await this.writer.publishOnce(
        [{ type: 'WorkerHeartbeat', data: { workerId, group, slots, running: this.running(), startedAt: this.startedAt, at: new Date().toISOString() } }],
        this.context,
        'platform',
      );
      this.lastBeatAt = Date.now();
    } catch (error) {
      this.logger.warn('heartbeat not sent', { workerId, error: (error as Error).message });
      if (Date.now() - this.lastBeatAt > this.config.workerTimeoutMs * 0.75) this.fence();
    }
  }
}
