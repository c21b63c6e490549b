import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkForPutRecordBatch, FIREHOSE_LIMITS, type ExportEntry } from '../../adapters/firehose-sender.ts';
import { fullJitterDelay } from '../../core/backoff.ts';

const entry = (id: number, size: number): ExportEntry => ({ id: String(id), data: new Uint8Array(size) });

describe('PutRecordBatch chunking', () => {
  it('never exceeds 500 records or 4 MiB per call, and keeps every record once, in order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: FIREHOSE_LIMITS.bytesPerRecord }), { maxLength: 1_200 }), (sizes) => {
        const entries = sizes.map((s, i) => entry(i, s));
        const chunks = chunkForPutRecordBatch(entries);
        for (const chunk of chunks) {
          expect(chunk.length).toBeGreaterThan(0);
          expect(chunk.length).toBeLessThanOrEqual(500);
          expect(chunk.reduce((n, e) => n + e.data.byteLength, 0)).toBeLessThanOrEqual(4 * 1024 * 1024);
        }
        expect(chunks.flat().map((e) => e.id)).toEqual(entries.map((e) => e.id));
      }),
      { numRuns: 60 },
    );
  });

  it('splits 1,201 small records into 500 + 500 + 201', () => {
    expect(chunkForPutRecordBatch(Array.from({ length: 1_201 }, (_, i) => entry(i, 300))).map((c) => c.length)).toEqual([500, 500, 201]);
  });

  it('splits on bytes: five 1,000 KiB records make 4 + 1', () => {
    expect(chunkForPutRecordBatch(Array.from({ length: 5 }, (_, i) => entry(i, 1_000 * 1024))).map((c) => c.length)).toEqual([4, 1]);
  });
});

describe('jittered exponential backoff (core/backoff.ts)', () => {
  // The Firehose sender's budget (baseDelayMs 100, maxDelayMs 1000) through the one helper.
  const budget = { baseMs: 100, maxMs: 1_000 };
  it('doubles the ceiling per retry up to the cap', () => {
    const justBelowOne = () => 0.999_999;
    expect([1, 2, 3, 4, 5].map((r) => fullJitterDelay(r, budget, justBelowOne))).toEqual([99, 199, 399, 799, 999]);
  });
  it('draws the wait uniformly below the ceiling', () => {
    expect(fullJitterDelay(3, budget, () => 0)).toBe(0);
    expect(fullJitterDelay(3, budget, () => 0.5)).toBe(200);
  });
});
