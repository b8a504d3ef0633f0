import { execFile } from 'node:child_process';
import { chownSync, closeSync, constants, openSync, readSync } from 'node:fs';
import { promisify } from 'node:util';
import type { RunAs } from './runner.types';

const NEWLINE = 0x0a;

/**
 * The FIFO behind $JOBLEDGER_CHECKPOINT_FILE. A FIFO, not a file, so `echo "$state" > "$F"` and `>> "$F"` both
 * just deliver one line. The worker opens it read-write and non-blocking: opening never waits for a writer
 * (which would hold a libuv pool thread), writers never block on open, and the reads are polled.
 */
export class CheckpointFifo {
  private pending = Buffer.alloc(0);
  private readonly chunk = Buffer.alloc(64 * 1024);

  private constructor(
    readonly path: string,
    private fd: number | undefined,
  ) {}

  static async create(path: string, runAs?: RunAs): Promise<CheckpointFifo> {
    await promisify(execFile)('mkfifo', ['-m', '600', path]);
    if (runAs) chownSync(path, runAs.uid, runAs.gid);
    return new CheckpointFifo(path, openSync(path, constants.O_RDWR | constants.O_NONBLOCK));
  }

  /**
   * The complete lines written since the last call. `overflow` is set when an unfinished line already holds
   * more than `maxLineBytes`, so a runaway writer cannot grow the worker's memory.
   */
  readLines(maxLineBytes: number): { lines: string[]; overflow: boolean } {
    const lines: string[] = [];
    for (let bytes = this.read(); bytes > 0; bytes = this.read()) {
      this.pending = Buffer.concat([this.pending, this.chunk.subarray(0, bytes)]);
      for (let end = this.pending.indexOf(NEWLINE); end >= 0; end = this.pending.indexOf(NEWLINE)) {
        lines.push(this.pending.subarray(0, end).toString('utf8'));
        this.pending = this.pending.subarray(end + 1);
      }
      if (this.pending.length > maxLineBytes) return { lines, overflow: true };
    }
    return { lines, overflow: false };
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private read(): number {
    if (this.fd === undefined) return 0;
    try {
      return readSync(this.fd, this.chunk, 0, this.chunk.length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return 0;
      throw error;
    }
  }
}
