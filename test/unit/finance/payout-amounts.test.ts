/**
 * computePayouts, figure by figure: every statement is compared whole, with hand-computed
 * values, so no field can drift unnoticed. The boundaries finance cares about (exactly the
 * minimum, exactly the cap) are tested on both sides.
 */
import { DEFAULT_RULES } from '../../../core/qualification.ts';
import { describe, expect, it } from 'vitest';
import type { BusinessDay } from '../../../core/business-day.ts';
import { toExportRecord } from '../../../core/export-record.ts';
import { ValidationError } from '../../../core/errors.ts';
import type { ConversionEvent } from '../../../core/conversion-event.ts';
import type { ExportedConversion } from '../../../core/finance/commission.ts';
import type { ExportedClick } from '../../../core/finance/exported-click.ts';
import type { PayoutRules, VendorPayoutRule } from '../../../core/finance/payout-rules.ts';
import { analyseClicks, computePayouts, parseCarryIn, parseMonth, payoutTotals, previousMonth, rollupDifferences, type VendorStatement } from '../../../core/finance/payouts.ts';
import type { DailyRollup } from '../../../core/rollup.ts';
import type { VendorCode } from '../../../core/vendor-code.ts';
import { click, type ClickSpec } from '../../support/click-events.ts';

const november = parseMonth('2026-11');
const line = (spec: ClickSpec): ExportedClick => toExportRecord(click(spec));
const rules = (vendors: Record<string, Partial<VendorPayoutRule> & { rateCents: number }>): PayoutRules => ({
  currency: 'USD',
  vendors: new Map(Object.entries(vendors).map(([code, r]) => [code as VendorCode, { monthlyCapCents: null, minimumPayoutCents: 0, commission: null, ...r }])),
});

/** November's 30 days, zero except the days given as `[clicks, qualified]`. */
function novemberDays(counts: Record<number, [number, number]> = {}) {
  return Array.from({ length: 30 }, (_, i) => {
    const [clicks, qualifiedClicks] = counts[i + 1] ?? [0, 0];
    return { day: `2026-11-${String(i + 1).padStart(2, '0')}` as BusinessDay, clicks, qualifiedClicks };
  });
}

/** A statement with nothing in it; tests spread the figures they expect over it. */
function emptyStatement(code: string, name: string, rule: { rateCents: number; monthlyCapCents?: number | null; minimumPayoutCents?: number }): VendorStatement {
  return {
    code: code as VendorCode,
    name,
    clicks: 0,
    botClicks: 0,
    internalClicks: 0,
    subresourceClicks: 0,
    suspiciousClicks: 0,
    networkCapClicks: 0,
    duplicateVisitorClicks: 0,
    qualifiedClicks: 0,
    rateCents: rule.rateCents,
    earnedCents: 0,
    monthlyCapCents: rule.monthlyCapCents ?? null,
    capApplied: false,
    bookings: 0,
    bookingValueCents: 0,
    commissionCents: 0,
    clawbackCents: 0,
    bookingLines: [],
    carriedInCents: 0,
    dueCents: 0,
    minimumPayoutCents: rule.minimumPayoutCents ?? 0,
    amountCents: 0,
    carriedForwardCents: 0,
    days: novemberDays(),
    qualified: [],
  };
}

const qualifiedOf = (l: ExportedClick) => ({ clickId: l.clickId, day: l.day, ts: l.ts });

describe('months', () => {
  it('a month is its id, first and last business day and every day between', () => {
    const m = parseMonth('2026-11');
    expect(m.id).toBe('2026-11');
    expect(m.from).toBe('2026-11-01');
    expect(m.to).toBe('2026-11-30');
    expect(m.days).toEqual(novemberDays().map((d) => d.day));
    expect(parseMonth('2026-12').to).toBe('2026-12-31');
    expect(parseMonth('2026-01').days[0]).toBe('2026-01-01');
  });

  it('the previous month pads single digits and wraps the year', () => {
    expect(previousMonth(parseMonth('2026-10'))).toBe('2026-09');
    expect(previousMonth(parseMonth('2026-12'))).toBe('2026-11');
    expect(previousMonth(parseMonth('2026-01'))).toBe('2025-12');
    expect(previousMonth(parseMonth('2026-02'))).toBe('2026-01');
  });

  it('says what a month looks like, quoting at most 20 characters of the input', () => {
    expect(() => parseMonth('2026-13')).toThrow(new ValidationError('"2026-13" is not a month (expected YYYY-MM)'));
    expect(() => parseMonth('x2026-11')).toThrow(new ValidationError('"x2026-11" is not a month (expected YYYY-MM)'));
    expect(() => parseMonth('2026-11x')).toThrow(ValidationError);
    expect(() => parseMonth('2026-00')).toThrow(ValidationError);
    expect(() => parseMonth(`2026-11${'z'.repeat(30)}`)).toThrow(`"2026-11${'z'.repeat(13)}" is not a month (expected YYYY-MM)`);
  });
});

describe('carry-in (the previous summary.json)', () => {
  const summary = (over: Record<string, unknown> = {}) =>
    JSON.stringify({ schema: 'reftrack.payouts/1', month: '2026-10', currency: 'USD', vendors: [{ code: 'lola', carriedForwardCents: 30, name: 'Lola' }], ...over });

  it('reads every vendor balance and keeps the file hash', () => {
    const carry = parseCarryIn(summary({ vendors: [{ code: 'lola', carriedForwardCents: 30 }, { code: 'puesto', carriedForwardCents: 0 }] }), 'oct.json', 'abc', november, 'USD');
    expect(carry).toEqual({ month: '2026-10', currency: 'USD', sha256: 'abc', balances: new Map([['lola', 30], ['puesto', 0]]) });
  });

  it('refuses a file that is not a summary, naming the file and the problem', () => {
    expect(() => parseCarryIn('{', 'oct.json', 'abc', november, 'USD')).toThrow(/^oct\.json: not a payouts summary\.json \(.*JSON/);
    expect(() => parseCarryIn(summary({ schema: 'reftrack.payouts/2' }), 'oct.json', 'abc', november, 'USD')).toThrow(/^oct\.json: not a payouts summary\.json \(.*schema/s);
    expect(() => parseCarryIn(summary({ vendors: [{ code: 'lola', carriedForwardCents: 0.5 }] }), 'oct.json', 'abc', november, 'USD')).toThrow(ValidationError);
    // A negative balance (clawbacks above a month's earnings) is owed back, and carried in as such.
    expect(parseCarryIn(summary({ vendors: [{ code: 'lola', carriedForwardCents: -1 }] }), 'oct.json', 'abc', november, 'USD').balances.get('lola')).toBe(-1);
  });

  it('says which fields are wrong, "(file)" for the whole file, at most 200 characters of them, with the JSON error as the cause', () => {
    const refusal = (text: string) => {
      try {
        parseCarryIn(text, 'oct.json', 'abc', november, 'USD');
      } catch (error) {
        return error as ValidationError;
      }
      throw new Error('accepted');
    };
    expect(refusal('[]').message).toBe('oct.json: not a payouts summary.json ((file): Invalid input: expected object, received array)');
    expect(refusal(summary({ schema: 'x', month: 1 })).message).toBe(
      'oct.json: not a payouts summary.json (schema: Invalid input: expected "reftrack.payouts/1"; month: Invalid input: expected string, received number)',
    );
    const many = refusal(summary({ vendors: Array.from({ length: 20 }, () => ({ code: 1 })) })).message;
    expect(many).toBe(
      'oct.json: not a payouts summary.json (vendors.0.code: Invalid input: expected string, received number; vendors.0.carriedForwardCents: Invalid input: expected number, received undefined; vendors.1.code: Invalid input: expected string, rece)',
    );
    const broken = refusal('{');
    expect(broken).toBeInstanceOf(ValidationError);
    expect(broken.cause).toBeInstanceOf(SyntaxError);
  });

  it('refuses another month or another currency', () => {
    expect(() => parseCarryIn(summary({ month: '2026-09' }), 'sep.json', 'abc', november, 'USD')).toThrow(new ValidationError("sep.json: is the summary of 2026-09; the carry-in for 2026-11 must be 2026-10's"));
    expect(() => parseCarryIn(summary(), 'oct.json', 'abc', november, 'EUR')).toThrow(new ValidationError('oct.json: is in USD, the rules in EUR'));
  });
});

describe('amounts at their boundaries', () => {
  const twoGuests = (vendor: string) => ['x', 'y'].map((visitor) => line({ vendor, visitor, at: '2026-11-20T20:00:00.000Z' }));

  it('a vendor due exactly its minimum payout is paid; one cent short carries it all forward', () => {
    const exact = twoGuests('lola');
    const short = twoGuests('puesto');
    const run = computePayouts({ month: november, rules: rules({ lola: { rateCents: 40, minimumPayoutCents: 80 }, puesto: { rateCents: 40, minimumPayoutCents: 81 } }), lines: [...exact, ...short], carryIn: null, qualification: DEFAULT_RULES, vendorNames: new Map() });
    expect(run.vendors).toEqual([
      {
        ...emptyStatement('lola', 'Lola', { rateCents: 40, minimumPayoutCents: 80 }),
        clicks: 2, qualifiedClicks: 2, earnedCents: 80, dueCents: 80, amountCents: 80, carriedForwardCents: 0,
        days: novemberDays({ 20: [2, 2] }), qualified: exact.map(qualifiedOf),
      },
      {
        ...emptyStatement('puesto', 'Puesto', { rateCents: 40, minimumPayoutCents: 81 }),
        clicks: 2, qualifiedClicks: 2, earnedCents: 80, dueCents: 80, amountCents: 0, carriedForwardCents: 80,
        days: novemberDays({ 20: [2, 2] }), qualified: short.map(qualifiedOf),
      },
    ]);
  });

  it('earning exactly the cap is not capping; one click more is', () => {
    const atCap = twoGuests('lola');
    const over = ['x', 'y', 'z'].map((visitor) => line({ vendor: 'puesto', visitor, at: '2026-11-21T20:00:00.000Z' }));
    const run = computePayouts({ month: november, rules: rules({ lola: { rateCents: 300, monthlyCapCents: 600 }, puesto: { rateCents: 300, monthlyCapCents: 600 } }), lines: [...atCap, ...over], carryIn: null, qualification: DEFAULT_RULES, vendorNames: new Map() });
    expect(run.vendors).toEqual([
      {
        ...emptyStatement('lola', 'Lola', { rateCents: 300, monthlyCapCents: 600 }),
        clicks: 2, qualifiedClicks: 2, earnedCents: 600, capApplied: false, dueCents: 600, amountCents: 600,
        days: novemberDays({ 20: [2, 2] }), qualified: atCap.map(qualifiedOf),
      },
      {
        ...emptyStatement('puesto', 'Puesto', { rateCents: 300, monthlyCapCents: 600 }),
        clicks: 3, qualifiedClicks: 3, earnedCents: 900, capApplied: true, dueCents: 600, amountCents: 600,
        days: novemberDays({ 21: [3, 3] }), qualified: over.map(qualifiedOf),
      },
    ]);
  });

  it('the carried-in balance is added after the cap; a vendor without clicks is still paid what it is owed', () => {
    const over = ['x', 'y', 'z'].map((visitor) => line({ vendor: 'puesto', visitor, at: '2026-11-21T20:00:00.000Z' }));
    const carryIn = { month: '2026-10', currency: 'USD', sha256: 'abc', balances: new Map([['puesto', 70], ['solare', 250]]) };
    const run = computePayouts({
      month: november,
      rules: rules({ lola: { rateCents: 10 }, puesto: { rateCents: 300, monthlyCapCents: 600 }, solare: { rateCents: 125, minimumPayoutCents: 200 } }),
      lines: over,
      carryIn,
      qualification: DEFAULT_RULES,
      vendorNames: new Map([['solare', 'Solare Ristorante']]),
    });
    expect(run.vendors).toEqual([
      // Neither clicks nor a name nor a balance: the code is the name, nothing is due.
      emptyStatement('lola', 'lola', { rateCents: 10 }),
      {
        ...emptyStatement('puesto', 'Puesto', { rateCents: 300, monthlyCapCents: 600 }),
        clicks: 3, qualifiedClicks: 3, earnedCents: 900, capApplied: true, carriedInCents: 70, dueCents: 670, amountCents: 670,
        days: novemberDays({ 21: [3, 3] }), qualified: over.map(qualifiedOf),
      },
      { ...emptyStatement('solare', 'Solare Ristorante', { rateCents: 125, minimumPayoutCents: 200 }), carriedInCents: 250, dueCents: 250, amountCents: 250 },
    ]);
  });
});

describe('columns: every click in exactly one', () => {
  it('a bot that is also on the staff network is a bot; staff and repeat clicks are their own columns', () => {
    const clicks = [
      line({ vendor: 'solare', visitor: 'a', at: '2026-11-03T17:00:00.000Z' }),
      line({ vendor: 'solare', visitor: 'a', at: '2026-11-03T17:01:00.000Z' }),
      line({ vendor: 'solare', visitor: 'a', at: '2026-11-03T17:02:00.000Z' }),
      line({ vendor: 'solare', visitor: 'b', at: '2026-11-03T18:00:00.000Z', bot: true, internal: true }),
      line({ vendor: 'solare', visitor: 'c', at: '2026-11-04T18:00:00.000Z', internal: true }),
      line({ vendor: 'solare', visitor: 'c', at: '2026-11-04T18:01:00.000Z', internal: true }),
    ];
    const run = computePayouts({ month: november, rules: rules({ solare: { rateCents: 125 } }), lines: clicks, carryIn: null, qualification: DEFAULT_RULES, vendorNames: new Map() });
    expect(run.vendors).toEqual([
      {
        ...emptyStatement('solare', 'Solare', { rateCents: 125 }),
        clicks: 6, botClicks: 1, internalClicks: 2, duplicateVisitorClicks: 2, qualifiedClicks: 1, earnedCents: 125, dueCents: 125, amountCents: 125,
        days: novemberDays({ 3: [4, 1], 4: [2, 0] }), qualified: [qualifiedOf(clicks[0]!)],
      },
    ]);
  });
});

describe('subresource loads', () => {
  it('are their own column, not also counted as bots', () => {
    const clicks = [
      line({ vendor: 'solare', visitor: 'pixel', at: '2026-11-03T17:00:00.000Z', subresource: true }),
      line({ vendor: 'solare', visitor: 'crawler', at: '2026-11-03T17:01:00.000Z', bot: true }),
      line({ vendor: 'solare', visitor: 'guest', at: '2026-11-03T17:02:00.000Z' }),
    ];
    const run = computePayouts({ month: november, rules: rules({ solare: { rateCents: 125 } }), lines: clicks, carryIn: null, qualification: DEFAULT_RULES, vendorNames: new Map() });
    expect(run.vendors).toEqual([
      {
        ...emptyStatement('solare', 'Solare', { rateCents: 125 }),
        clicks: 3, botClicks: 1, subresourceClicks: 1, qualifiedClicks: 1, earnedCents: 125, dueCents: 125, amountCents: 125,
        days: novemberDays({ 3: [3, 1] }), qualified: [qualifiedOf(clicks[2]!)],
      },
    ]);
  });
});

describe('the recounted vendor-days carry the booking figures of the month', () => {
  const CLICK = '01KA0000000000000000000000';
  const conv = (bookingId: string, status: ConversionEvent['status'], day: string, valueCents: number): ExportedConversion => ({
    source: `events/dt=${day}/part-0001.gz`,
    event: {
      type: 'conversion', schemaVersion: 1, conversionId: `${status}:${bookingId}`, bookingId, status, refCid: CLICK, valueCents, currency: 'USD',
      bookedAt: `${day}T20:00:00.000Z`, tripDate: day, recordedAt: `${day}T20:00:01.000Z`, day,
      attribution: { kind: 'attributed', vendorCode: 'solare' as VendorCode, vendorName: 'Solare', clickId: CLICK, clickDay: day }, source: 'api',
    },
  });

  it('added to the click figures of the same day, alone on a day without clicks, nothing from another month', () => {
    const guest = line({ vendor: 'solare', visitor: 'g', at: '2026-11-03T17:00:00.000Z' });
    const conversions = [
      conv('B1', 'booked', '2026-11-03', 120_000),
      conv('B2', 'booked', '2026-11-10', 80_000),
      conv('B2', 'cancelled', '2026-11-12', 80_000),
      // Booked in October (outside the month's days), refunded in November.
      conv('B0', 'booked', '2026-10-28', 50_000),
      conv('B0', 'refunded', '2026-11-02', 50_000),
    ];
    const run = computePayouts({ month: november, rules: rules({ solare: { rateCents: 1 } }), lines: [guest], carryIn: null, qualification: DEFAULT_RULES, vendorNames: new Map(), conversions });
    const zero = { clicks: 0, botClicks: 0, humanClicks: 0, uniqueVisitors: 0, qualifiedClicks: 0, subresourceClicks: 0, internalClicks: 0, suspiciousClicks: 0, networkCapClicks: 0, repeatVisitorClicks: 0, firstClickAt: null, lastClickAt: null };
    expect(run.vendorDays).toEqual(
      new Map([
        ['solare|2026-11-03', { ...zero, scope: 'solare', period: '2026-11-03', clicks: 1, humanClicks: 1, uniqueVisitors: 1, qualifiedClicks: 1, firstClickAt: guest.ts, lastClickAt: guest.ts, bookings: 1, bookingValueCents: 120_000 }],
        ['solare|2026-11-10', { ...zero, scope: 'solare', period: '2026-11-10', bookings: 1, bookingValueCents: 80_000 }],
        ['solare|2026-11-12', { ...zero, scope: 'solare', period: '2026-11-12', bookings: -1, bookingValueCents: -80_000 }],
        ['solare|2026-11-02', { ...zero, scope: 'solare', period: '2026-11-02', bookings: -1, bookingValueCents: -50_000 }],
      ]),
    );
  });
});

describe('the statement name', () => {
  const named = (vendorName: string, at: string) => ({ ...line({ vendor: 'solare', at }), vendorName });

  it("is the vendor's name at its latest click, whatever order the lines came in", () => {
    const lines = [named('Solare Ristorante', '2026-11-20T20:00:00.000Z'), named('Solare', '2026-11-03T20:00:00.000Z'), named('Solare Trattoria', '2026-11-10T20:00:00.000Z')];
    const names = new Map([['solare', 'From the vendor list']]);
    for (const order of [lines, [...lines].reverse()]) {
      const run = computePayouts({ month: november, rules: rules({ solare: { rateCents: 1 } }), lines: order, carryIn: null, qualification: DEFAULT_RULES, vendorNames: names });
      expect(run.vendors[0]!.name).toBe('Solare Ristorante');
    }
  });

  it('two names at the same instant: the greater one, so the choice does not depend on order', () => {
    const a = named('Solare A', '2026-11-20T20:00:00.000Z');
    const b = { ...a, clickId: line({ vendor: 'solare', at: '2026-11-20T20:00:00.000Z' }).clickId, vendorName: 'Solare B' };
    for (const order of [[a, b], [b, a]]) {
      const run = computePayouts({ month: november, rules: rules({ solare: { rateCents: 1 } }), lines: order, carryIn: null, qualification: DEFAULT_RULES, vendorNames: new Map() });
      expect(run.vendors[0]!.name).toBe('Solare B');
    }
  });
});

describe('lines and unpriced vendors', () => {
  it('counts lines read, unique, redelivered and outside the month; the first copy of a click id wins', () => {
    const inside = line({ vendor: 'solare', visitor: 'a', at: '2026-11-10T20:00:00.000Z' });
    const outside = line({ vendor: 'solare', visitor: 'b', at: '2026-10-31T20:00:00.000Z' });
    // A later copy claiming another vendor name does not change the first.
    const copy = { ...inside, vendorName: 'Forged' };
    const run = computePayouts({ month: november, rules: rules({ solare: { rateCents: 1 } }), lines: [inside, outside, outside, copy], carryIn: null, qualification: DEFAULT_RULES, vendorNames: new Map() });
    expect(run.lines).toEqual({ read: 4, unique: 2, duplicateDeliveries: 2, outsideMonth: 1 });
    expect(run.vendors[0]).toEqual({
      ...emptyStatement('solare', 'Solare', { rateCents: 1 }),
      clicks: 1, qualifiedClicks: 1, earnedCents: 1, dueCents: 1, amountCents: 1, days: novemberDays({ 10: [1, 1] }), qualified: [qualifiedOf(inside)],
    });
  });

  it('vendors with clicks but no rule are listed by code with their clicks, and priced nothing', () => {
    const lines = [
      line({ vendor: 'zeta', visitor: 'a', at: '2026-11-10T20:00:00.000Z' }),
      line({ vendor: 'zeta', visitor: 'b', at: '2026-11-10T20:00:00.000Z', bot: true }),
      line({ vendor: 'boardbrew', visitor: 'c', at: '2026-11-10T20:00:00.000Z', bot: true }),
      line({ vendor: 'solare', visitor: 'd', at: '2026-11-10T20:00:00.000Z' }),
    ];
    const run = computePayouts({ month: november, rules: rules({ solare: { rateCents: 1 } }), lines, carryIn: null, qualification: DEFAULT_RULES, vendorNames: new Map() });
    expect(run.unpriced).toEqual([
      { code: 'boardbrew', clicks: 1, qualifiedClicks: 0 },
      { code: 'zeta', clicks: 2, qualifiedClicks: 1 },
    ]);
    expect(run.vendors.map((v) => v.code)).toEqual(['solare']);
    expect(run.currency).toBe('USD');
    expect(run.month).toBe(november);
  });
});

describe('analyseClicks', () => {
  it('recounts vendor-days only (no all-vendors or TOTAL rows) and sorts qualified clicks by day, then click id', () => {
    // Click ids grow with time, but a click made later in Los Angeles can fall on an earlier
    // business day than one made in Tokyo: sorting by id alone would put them the wrong way round.
    const tokyo = line({ vendor: 'solare', visitor: 't', at: '2026-11-04T03:00:00.000Z', timeZone: 'Asia/Tokyo' });
    const la = line({ vendor: 'solare', visitor: 'l', at: '2026-11-04T05:00:00.000Z' });
    const la2 = line({ vendor: 'solare', visitor: 'm', at: '2026-11-04T06:00:00.000Z' });
    const puesto = line({ vendor: 'puesto', visitor: 'p', at: '2026-11-04T06:00:00.000Z', bot: true });
    expect([tokyo.day, la.day]).toEqual(['2026-11-04', '2026-11-03']);
    const result = analyseClicks([la2, tokyo, puesto, la], november.days, DEFAULT_RULES);
    expect([...result.vendorDays.keys()].sort()).toEqual(['puesto|2026-11-03', 'solare|2026-11-03', 'solare|2026-11-04']);
    expect(result.vendorDays.get('solare|2026-11-03')).toEqual({
      scope: 'solare', period: '2026-11-03', clicks: 2, botClicks: 0, humanClicks: 2, uniqueVisitors: 2, qualifiedClicks: 2, subresourceClicks: 0, internalClicks: 0, suspiciousClicks: 0, networkCapClicks: 0, repeatVisitorClicks: 0, bookings: 0, bookingValueCents: 0, firstClickAt: la.ts, lastClickAt: la2.ts,
    });
    expect(result.qualified).toEqual(new Map([['solare', [qualifiedOf(la), qualifiedOf(la2), qualifiedOf(tokyo)]]]));
    expect(result.events.map((e) => e.clickId)).toEqual([la2.clickId, tokyo.clickId, puesto.clickId, la.clickId]);
  });
});

describe('payoutTotals', () => {
  it('sums every column over the vendors', () => {
    const a = { ...emptyStatement('a', 'A', { rateCents: 1 }), clicks: 10, botClicks: 1, internalClicks: 2, duplicateVisitorClicks: 3, qualifiedClicks: 4, amountCents: 500, carriedForwardCents: 0 };
    const b = { ...emptyStatement('b', 'B', { rateCents: 1 }), clicks: 20, botClicks: 2, internalClicks: 4, duplicateVisitorClicks: 6, qualifiedClicks: 8, amountCents: 0, carriedForwardCents: 70 };
    expect(payoutTotals([a, b])).toEqual({ clicks: 30, botClicks: 3, subresourceClicks: 0, internalClicks: 6, suspiciousClicks: 0, networkCapClicks: 0, duplicateVisitorClicks: 9, qualifiedClicks: 12, bookings: 0, commissionCents: 0, clawbackCents: 0, amountCents: 500, carriedForwardCents: 70 });
    expect(payoutTotals([])).toEqual({ clicks: 0, botClicks: 0, subresourceClicks: 0, internalClicks: 0, suspiciousClicks: 0, networkCapClicks: 0, duplicateVisitorClicks: 0, qualifiedClicks: 0, bookings: 0, commissionCents: 0, clawbackCents: 0, amountCents: 0, carriedForwardCents: 0 });
  });
});

describe('--check-rollups', () => {
  // solare, hand-counted: Nov 3 visitor a twice, b a bot (3 clicks, 2 visitors, 1 qualified); Nov 4 c once.
  const lines = [
    line({ vendor: 'solare', visitor: 'a', at: '2026-11-03T17:00:00.000Z' }),
    line({ vendor: 'solare', visitor: 'a', at: '2026-11-03T17:05:00.000Z' }),
    line({ vendor: 'solare', visitor: 'b', at: '2026-11-03T18:00:00.000Z', bot: true }),
    line({ vendor: 'solare', visitor: 'c', at: '2026-11-04T18:00:00.000Z' }),
  ];
  const payoutRun = () => computePayouts({ month: november, rules: rules({ solare: { rateCents: 1 } }), lines, carryIn: null, qualification: DEFAULT_RULES, vendorNames: new Map() });
  const stored: DailyRollup[] = [
    { scope: 'solare' as VendorCode, day: '2026-11-03' as BusinessDay, clicks: 3, botClicks: 1, humanClicks: 2, uniqueVisitors: 2, qualifiedClicks: 1, subresourceClicks: 0, internalClicks: 0, suspiciousClicks: 0, networkCapClicks: 0, repeatVisitorClicks: 1, bookings: 0, bookingValueCents: 0, firstClickAt: '2026-11-03T17:00:00.000Z', lastClickAt: '2026-11-03T18:00:00.000Z' },
    { scope: 'solare' as VendorCode, day: '2026-11-04' as BusinessDay, clicks: 1, botClicks: 0, humanClicks: 1, uniqueVisitors: 1, qualifiedClicks: 1, subresourceClicks: 0, internalClicks: 0, suspiciousClicks: 0, networkCapClicks: 0, repeatVisitorClicks: 0, bookings: 0, bookingValueCents: 0, firstClickAt: '2026-11-04T18:00:00.000Z', lastClickAt: '2026-11-04T18:00:00.000Z' },
  ];

  it('no difference when the live rollups hold the hand-counted figures', () => {
    expect(rollupDifferences(payoutRun(), stored)).toEqual([]);
  });

  it('a tampered figure, a missing day and a day no click explains are each reported', () => {
    const tampered = [
      { ...stored[0]!, qualifiedClicks: 2 },
      { scope: 'solare' as VendorCode, day: '2026-11-05' as BusinessDay, clicks: 1, botClicks: 0, humanClicks: 1, uniqueVisitors: 1, qualifiedClicks: 1, subresourceClicks: 0, internalClicks: 0, suspiciousClicks: 0, networkCapClicks: 0, repeatVisitorClicks: 0, bookings: 0, bookingValueCents: 0, firstClickAt: '2026-11-05T18:00:00.000Z', lastClickAt: '2026-11-05T18:00:00.000Z' },
    ];
    expect(rollupDifferences(payoutRun(), tampered)).toEqual([
      { scope: 'solare', period: '2026-11-03', fields: [{ field: 'qualifiedClicks', expected: 1, actual: 2 }] },
      {
        scope: 'solare',
        period: '2026-11-04',
        fields: [
          { field: 'clicks', expected: 1, actual: 0 },
          { field: 'humanClicks', expected: 1, actual: 0 },
          { field: 'uniqueVisitors', expected: 1, actual: 0 },
          { field: 'qualifiedClicks', expected: 1, actual: 0 },
          { field: 'firstClickAt', expected: '2026-11-04T18:00:00.000Z', actual: null },
          { field: 'lastClickAt', expected: '2026-11-04T18:00:00.000Z', actual: null },
        ],
      },
      {
        scope: 'solare',
        period: '2026-11-05',
        fields: [
          { field: 'clicks', expected: 0, actual: 1 },
          { field: 'humanClicks', expected: 0, actual: 1 },
          { field: 'uniqueVisitors', expected: 0, actual: 1 },
          { field: 'qualifiedClicks', expected: 0, actual: 1 },
          { field: 'firstClickAt', expected: null, actual: '2026-11-05T18:00:00.000Z' },
          { field: 'lastClickAt', expected: null, actual: '2026-11-05T18:00:00.000Z' },
        ],
      },
    ]);
  });
});
