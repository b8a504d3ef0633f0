import type { JobCommand, StartedReport } from '@jobledger/domain';

/**
 * A job's start, reported to its single writer once the runbook has run for `delayMs`, or at once
 * before the worker reports anything else about the job (a checkpoint, a stop). A job that ends
 * sooner reports its start with its end — `CompleteJob` or `FailJob` carrying `started` — one
 * command instead of two; the scheduler writes the same `JobStarted` and end events either way.
 */
export class PendingStart {
  private sent: Promise<void> | null = null;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    readonly started: StartedReport,
    private readonly sendStart: () => Promise<void>,
    delayMs: number,
  ) {
    // A failed send is thrown again by whoever awaits send() next: the end, or a checkpoint.
    if (delayMs === 0) void this.send().catch(() => undefined);
    else this.timer = setTimeout(() => void this.send().catch(() => undefined), delayMs);
  }

  /** Reports the start unless that is done already; resolves once it is sent. */
  send(): Promise<void> {
    clearTimeout(this.timer);
    this.sent ??= this.sendStart();
    return this.sent;
  }

  /** The end to report: a completion or failure carries the start when it was not reported; anything else follows it. */
  async withEnd(command: JobCommand): Promise<JobCommand> {
    clearTimeout(this.timer);
    if (this.sent === null && (command.type === 'CompleteJob' || command.type === 'FailJob')) {
      this.sent = Promise.resolve();
      return { ...command, data: { ...command.data, started: this.started } } as JobCommand;
    }
    await this.send();
    return command;
  }

  /** Nothing more will be reported (the run was interrupted or broke): no start either. */
  cancel(): void {
    clearTimeout(this.timer);
  }
}
