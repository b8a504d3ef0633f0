import { StringDecoder } from 'node:string_decoder';

/** Longer lines are cut into pieces of this size so a runbook cannot grow one unbounded string in the worker. */
const MAX_LINE_CHARS = 64 * 1024;

/** Splits a byte stream into lines (without their newline); `end()` emits a final unterminated line. */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  write(chunk: Buffer): void {
    const lines = (this.partial + this.decoder.write(chunk)).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.onLine(line);
    while (this.partial.length > MAX_LINE_CHARS) {
      this.onLine(this.partial.slice(0, MAX_LINE_CHARS));
      this.partial = this.partial.slice(MAX_LINE_CHARS);
    }
  }

  end(): void {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest.length > 0) this.onLine(rest);
  }
}
