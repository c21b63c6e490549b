import { describe, expect, it } from 'vitest';
import { EXPORT_DELIVERY } from '../../adapters/export-settings.ts';
import { ConfigError } from '../../core/errors.ts';
import { evaluatePrefix, objectName, partitionKeys, PartitioningError } from '../../local/firehose-prefix.ts';

const data = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));

describe('local Firehose dynamic partitioning', () => {
  it('takes the partition from the record, not the arrival time', () => {
    const keys = partitionKeys(data({ day: '2026-11-25', ts: '2026-11-26T07:59:59.000Z' }), EXPORT_DELIVERY.partitionKeyQuery);
    expect(evaluatePrefix(EXPORT_DELIVERY.prefix, { partitionKeys: keys, arrival: new Date('2026-11-26T08:00:03Z') })).toBe('events/dt=2026-11-25/');
  });

  it.each([
    ['not JSON', '{"day":'],
    ['no day', { clickId: 'x' }],
    ['a null day', { day: null }],
    ['an object day', { day: { y: 2026 } }],
    ['an impossible day', { day: '2026-02-30' }],
    ['a path-like day', { day: '../x' }],
  ])('refuses a record with %s', (_name, record) => {
    expect(() => partitionKeys(data(record), EXPORT_DELIVERY.partitionKeyQuery)).toThrow(PartitioningError);
  });

  it('puts failed records under the error prefix by type and arrival day (UTC)', () => {
    expect(evaluatePrefix(EXPORT_DELIVERY.errorOutputPrefix, { arrival: new Date('2026-11-26T00:30:00Z'), errorOutputType: 'processing-failed' })).toBe('errors/processing-failed/dt=2026-11-26/');
  });

  it('evaluates nested JQ paths and refuses anything it cannot evaluate faithfully', () => {
    expect(partitionKeys(data({ a: { b: 7 } }), { k: '.a.b' })).toEqual({ k: '7' });
    // A path through a scalar finds nothing: the record cannot be placed.
    expect(() => partitionKeys(data({ a: 'str' }), { k: '.a.b' })).toThrow(/partition key "k" \(\.a\.b\) is missing/);
    expect(() => partitionKeys(data({ day: '2026-11-25' }), { day: '.day | split("-")' })).toThrow(ConfigError);
  });

  it('names objects like Firehose: <stream>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid>.gz in UTC', () => {
    expect(objectName('reftrack-clicks', 1, new Date('2026-11-25T23:05:09.500Z'))).toMatch(/^reftrack-clicks-1-2026-11-25-23-05-09-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.gz$/);
  });
});
