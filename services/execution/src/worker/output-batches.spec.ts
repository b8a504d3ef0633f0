import { MAX_EVENT_BYTES, MAX_RECORD_BYTES, outputBatches } from './output-batches';

const record = (seq: number, value: unknown) => ({ seq, stream: 'Output' as const, time: '2026-11-21T10:00:00.000Z', value });

describe('outputBatches', () => {
  it('keeps a small flush in one batch', () => {
    expect(outputBatches([record(1, 'a'), record(2, 'b')])).toEqual([[record(1, 'a'), record(2, 'b')]]);
  });

  it('splits a large flush into batches that each fit a Kafka message, in seq order', () => {
    const records = Array.from({ length: 60 }, (_, i) => record(i + 1, 'x'.repeat(100_000)));
    const batches = outputBatches(records);
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) expect(Buffer.byteLength(JSON.stringify(batch))).toBeLessThanOrEqual(MAX_EVENT_BYTES + 1024);
    expect(batches.flat().map((r) => r.seq)).toEqual(records.map((r) => r.seq));
  });

  it('keeps a preview of a value too large for a message, saying it was truncated', () => {
    const [[big]] = outputBatches([record(7, 'y'.repeat(MAX_RECORD_BYTES + 10))]);
    expect(big.seq).toBe(7);
    expect(big.value).toMatchObject({ truncated: true, originalBytes: MAX_RECORD_BYTES + 12 });
    expect((big.value as { preview: string }).preview.length).toBe(16 * 1024);
  });
});
