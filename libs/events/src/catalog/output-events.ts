export type StreamName = 'Output' | 'Warning' | 'Error' | 'Verbose' | 'Progress' | 'Debug';

export const STREAM_NAMES: readonly StreamName[] = ['Output', 'Warning', 'Error', 'Verbose', 'Progress', 'Debug'];

export interface OutputRecord {
  /** Per-job sequence number, starting at 1, across attempts. */
  seq: number;
  stream: StreamName;
  time: string;
  value: unknown;
}

/** Records are batched: one event carries the records one worker flushed for one job. */
export type OutputEvent = { type: 'JobOutputRecorded'; data: { attempt: number; records: OutputRecord[] } };
