import type { OutputRecord } from '@jobledger/events';

/** Kafka refuses messages over 1 MiB by default; an output event stays well under it. */
export const MAX_EVENT_BYTES = 512 * 1024;
/** One record's value larger than this is kept as a preview, marked truncated. */
export const MAX_RECORD_BYTES = 256 * 1024;
const PREVIEW_CHARS = 16 * 1024;

/**
 * Splits a flush of records into batches that each fit one Kafka message, in seq order. A
 * single value too large for a message is replaced by `{ truncated, originalBytes, preview }`:
 * its record still exists (the seq has no gap), and says what was cut.
 */
export function outputBatches(records: OutputRecord[]): OutputRecord[][] {
  const batches: OutputRecord[][] = [];
  let current: OutputRecord[] = [];
  let size = 0;
  for (const original of records) {
    const record = fitRecord(original);
    const bytes = Buffer.byteLength(JSON.stringify(record));
    if (current.length > 0 && size + bytes > MAX_EVENT_BYTES) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(record);
    size += bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

function fitRecord(record: OutputRecord): OutputRecord {
  const json = JSON.stringify(record.value) ?? 'null';
  const bytes = Buffer.byteLength(json);
  if (bytes <= MAX_RECORD_BYTES) return record;
  const text = typeof record.value === 'string' ? record.value : json;
  return { ...record, value: { truncated: true, originalBytes: bytes, preview: text.slice(0, PREVIEW_CHARS) } };
}
