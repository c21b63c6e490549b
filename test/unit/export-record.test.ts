import { describe, expect, it } from 'vitest';
import { dedupeByClickId, EXPORT_SCHEMA, ExportRecord, MalformedExportLineError, parseExportLine, toExportLine, toExportRecord } from '../../core/export-record.ts';
import { clickEventOf } from '../../core/finance/exported-click.ts';
import { sampleClickEvent } from '../support/click-events.ts';

describe('export schema v1', () => {
  it('writes one newline-terminated JSON object with every ClickEvent field flat', () => {
    const event = sampleClickEvent({ bot: { isBot: true, reason: 'link-preview', ruleVersion: 3 }, internal: true, refererHost: null, country: null, placement: null });
    const line = toExportLine(event);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    const json = JSON.parse(line);
    expect(Object.keys(json)).toEqual(['schema', 'type', 'clickId', 'vendorCode', 'vendorName', 'ts', 'day', 'visitorHash', 'isBot', 'botReason', 'botRuleVersion', 'internal', 'userAgent', 'refererHost', 'country', 'placement', 'destination']);
    expect(json).toMatchObject({ schema: EXPORT_SCHEMA, clickId: event.clickId, day: event.day, isBot: true, botReason: 'link-preview', botRuleVersion: 3, internal: true, refererHost: null, country: null, placement: null });
    const { schemaVersion: _v, bot: _b, ...flat } = event;
    expect(json).toMatchObject(flat);
  });

  it('reads back exactly what it wrote', () => {
    const event = sampleClickEvent({ userAgent: 'quote " backslash \\ unicode ✓ \u2028 end' });
    expect(parseExportLine(toExportLine(event).trimEnd())).toEqual(toExportRecord(event));
  });

  it('carries the network and fetch metadata both ways, and reads lines written before they existed', () => {
    const withMeta = sampleClickEvent({ networkHash: 'n'.repeat(22), fetch: { mode: 'navigate', dest: 'document', site: 'none', user: true } });
    const withNone = sampleClickEvent({ networkHash: 'm'.repeat(22), fetch: null });
    const legacy = sampleClickEvent();
    for (const event of [withMeta, withNone, legacy]) {
      expect(clickEventOf(parseExportLine(toExportLine(event).trimEnd()))).toEqual(event);
    }
    expect(toExportRecord(withMeta)).toMatchObject({ networkHash: 'n'.repeat(22), fetchMode: 'navigate', fetchDest: 'document', fetchSite: 'none', fetchUser: true });
    expect(toExportRecord(legacy)).not.toHaveProperty('fetchMode');
  });

  it('reads back fetch metadata with any one header sent, and a line without a network as an event without one', () => {
    const fetches = [
      { mode: 'navigate', dest: null, site: null, user: false },
      { mode: null, dest: 'image', site: null, user: false },
      { mode: null, dest: null, site: 'same-site', user: false },
      { mode: null, dest: null, site: null, user: true },
    ] as const;
    for (const fetch of fetches) {
      const event = sampleClickEvent({ networkHash: 'n'.repeat(22), fetch });
      expect(clickEventOf(parseExportLine(toExportLine(event).trimEnd())).fetch).toEqual(fetch);
    }
    const legacy = sampleClickEvent();
    expect(clickEventOf(parseExportLine(toExportLine(legacy).trimEnd()))).not.toHaveProperty('networkHash');
  });

  it('ignores fields added later within v1 (additive changes only)', () => {
    const json = { ...JSON.parse(toExportLine(sampleClickEvent())), campaign: 'spring' };
    expect(parseExportLine(JSON.stringify(json)).clickId).toBe(json.clickId);
  });

  it.each([
    ['not JSON', '{"schema":"reftrack.click/1",'],
    ['another schema', JSON.stringify({ ...toExportRecord(sampleClickEvent()), schema: 'reftrack.click/2' })],
    ['a bad day', JSON.stringify({ ...toExportRecord(sampleClickEvent()), day: '25/11/2026' })],
    ['a missing clickId', JSON.stringify({ ...toExportRecord(sampleClickEvent()), clickId: undefined })],
    ['a string isBot', JSON.stringify({ ...toExportRecord(sampleClickEvent()), isBot: 'false' })],
  ])('rejects a line with %s, saying what is wrong', (_name, line) => {
    expect(() => parseExportLine(line)).toThrow(MalformedExportLineError);
  });

  it('names the bad field', () => {
    const line = JSON.stringify({ ...toExportRecord(sampleClickEvent()), country: 'usa' });
    expect(() => parseExportLine(line)).toThrow(/country/);
  });

  it('says what is wrong: the JSON error (kept as the cause), "(line)" for the whole line, at most three fields and how many more', () => {
    const refusal = (line: string) => {
      try {
        parseExportLine(line);
      } catch (error) {
        return error as MalformedExportLineError;
      }
      throw new Error('accepted');
    };
    const notJson = refusal('{');
    expect(notJson).toBeInstanceOf(MalformedExportLineError);
    expect(notJson.message).toMatch(/^not JSON: \S/);
    expect(notJson.cause).toBeInstanceOf(SyntaxError);
    expect(notJson.message).toBe(`not JSON: ${(notJson.cause as Error).message}`);
    expect(refusal('[]').message).toBe('(line): Invalid input: expected object, received array');
    expect(refusal(JSON.stringify({ ...toExportRecord(sampleClickEvent()), country: 'usa', day: 'x' })).message).toBe(
      'day: Invalid string: must match pattern /^\\d{4}-\\d{2}-\\d{2}$/; country: Invalid string: must match pattern /^[A-Z]{2}$/',
    );
    expect(refusal('{}').message).toBe(
      'schema: Invalid input: expected "reftrack.click/1"; clickId: Invalid input: expected string, received undefined; vendorCode: Invalid input: expected string, received undefined (and 13 more)',
    );
  });

  it('flattens fetch metadata sent without any Sec-Fetch header to nulls and false', () => {
    const event = sampleClickEvent({ networkHash: 'm'.repeat(22), fetch: null });
    const { schemaVersion: _v, bot: _b, fetch: _f, ...rest } = event;
    expect(toExportRecord(event)).toEqual({
      ...rest, schema: 'reftrack.click/1', type: 'click', isBot: false, botReason: 'human', botRuleVersion: 1, fetchMode: null, fetchDest: null, fetchSite: null, fetchUser: false,
    });
    const partial = sampleClickEvent({ fetch: { mode: null, dest: 'image', site: null, user: false } });
    expect(toExportRecord(partial)).toMatchObject({ fetchMode: null, fetchDest: 'image', fetchSite: null, fetchUser: false });
  });

  it('dedupes on clickId, keeping the first copy and the order', () => {
    const [a, b, c] = [sampleClickEvent(), sampleClickEvent(), sampleClickEvent()].map(toExportRecord) as [ExportRecord, ExportRecord, ExportRecord];
    expect(dedupeByClickId([a, b, a, c, b, a])).toEqual([a, b, c]);
  });
});

describe('conversion lines (reftrack.conversion/1) beside the clicks', () => {
  it('flatten the attribution into columns and read back to the same event', async () => {
    const { conversionEventOf, parseConversionExportRecord, toConversionExportLine } = await import('../../core/conversion-export.ts');
    const base = {
      type: 'conversion' as const, schemaVersion: 1 as const, conversionId: 'booked:B-1', bookingId: 'B-1', status: 'booked' as const, refCid: '01KA0000000000000000000000',
      valueCents: 5000, currency: 'USD', bookedAt: '2026-11-20T02:30:00.000Z', tripDate: '2026-12-05', recordedAt: '2026-11-20T02:30:01.000Z', day: '2026-11-19', source: 'api' as const,
    };
    const attributed = { ...base, attribution: { kind: 'attributed' as const, vendorCode: 'solare' as never, vendorName: 'Solare', clickId: '01KA0000000000000000000000', clickDay: '2026-11-18' } };
    const unattributed = { ...base, attribution: { kind: 'unattributed' as const, reason: 'outside-window' as const } };
    for (const event of [attributed, unattributed]) {
      const line = toConversionExportLine(event);
      expect(line.endsWith('\n')).toBe(true);
      expect(conversionEventOf(parseConversionExportRecord(JSON.parse(line)))).toEqual(event);
    }
    expect(JSON.parse(toConversionExportLine(unattributed))).toMatchObject({ schema: 'reftrack.conversion/1', type: 'conversion', attribution: 'outside-window', vendorCode: null, clickId: null });
    expect(() => parseConversionExportRecord({ ...JSON.parse(toConversionExportLine(attributed)), valueCents: -1 })).toThrow(/valueCents/);
  });
});
