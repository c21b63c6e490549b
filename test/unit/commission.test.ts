import { DEFAULT_RULES } from '../../core/qualification.ts';
import { describe, expect, it } from 'vitest';
import type { ConversionEvent } from '../../core/conversion-event.ts';
import { addDays, commissionFor, computeCommissions, type CommissionRule, type ExportedConversion } from '../../core/finance/commission.ts';
import { parsePayoutRules } from '../../core/finance/payout-rules.ts';
import type { VendorCode } from '../../core/vendor-code.ts';

const CLICK = '01KA0000000000000000000000';
const TEN_PERCENT: CommissionRule = { flatCents: null, basisPoints: 1000, holdDays: null };
const NOVEMBER = { id: '2026-11', from: '2026-11-01', to: '2026-11-30' };

function conv(bookingId: string, status: ConversionEvent['status'], day: string, over: Partial<ConversionEvent> = {}): ExportedConversion {
  return {
    source: `events/dt=${day}/part-0001.gz`,
    event: {
      type: 'conversion',
      schemaVersion: 1,
      conversionId: `${status}:${bookingId}`,
      bookingId,
      status,
      refCid: CLICK,
      valueCents: 100_000,
      currency: 'USD',
      bookedAt: `${day}T20:00:00.000Z`,
      tripDate: day,
      recordedAt: `${day}T20:00:01.000Z`,
      day,
      attribution: { kind: 'attributed', vendorCode: 'solare' as VendorCode, vendorName: 'Solare', clickId: CLICK, clickDay: day },
      source: 'api',
      ...over,
    },
  };
}

const run = (conversions: ExportedConversion[], rule: CommissionRule = TEN_PERCENT, month = NOVEMBER) =>
  computeCommissions({ month, currency: 'USD', rules: new Map([['solare' as VendorCode, rule]]), conversions });

describe('commission rules', () => {
  it('basis points round half up to the cent; flat cents ignore the value', () => {
    expect(commissionFor(TEN_PERCENT, 125_005)).toBe(12_501); // 12,500.5 -> 12,501
    expect(commissionFor(TEN_PERCENT, 125_004)).toBe(12_500);
    expect(commissionFor({ flatCents: 2_500, basisPoints: null, holdDays: null }, 9_999_999)).toBe(2_500);
    expect(commissionFor({ flatCents: null, basisPoints: 250, holdDays: null }, 40_000)).toBe(1_000);
  });

  it('adds calendar days across months and leap days', () => {
    expect(addDays('2026-11-28', 7)).toBe('2026-12-05');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });

  it('the rules file takes exactly one of flatCents or basisPoints', () => {
    const file = (commission: unknown) => JSON.stringify({ currency: 'USD', vendors: { solare: { rateCents: 0, commission } } });
    expect(parsePayoutRules(file({ basisPoints: 1000 }), 'r.json', new Set(['solare'])).rules.vendors.get('solare' as VendorCode)!.commission).toEqual({ flatCents: null, basisPoints: 1000, holdDays: null });
    expect(() => parsePayoutRules(file({ basisPoints: 1000, flatCents: 100 }), 'r.json', new Set(['solare']))).toThrow(/exactly one of flatCents or basisPoints/);
    expect(() => parsePayoutRules(file({}), 'r.json', new Set(['solare']))).toThrow(/exactly one/);
    expect(() => parsePayoutRules(file({ basisPoints: 10_001 }), 'r.json', new Set(['solare']))).toThrow(/basisPoints/);
  });
});

describe('computeCommissions: "10% of every booking its guests made in November, less what was cancelled"', () => {
  it('pays each November booking, lists a booking cancelled within November at zero, ignores December', () => {
    const out = run([
      conv('B1', 'booked', '2026-11-03', { valueCents: 120_000 }),
      conv('B1', 'booked', '2026-11-03', { valueCents: 120_000 }), // a redelivered copy
      conv('B2', 'booked', '2026-11-10', { valueCents: 80_000 }),
      conv('B3', 'booked', '2026-11-12', { valueCents: 50_000 }),
      conv('B3', 'cancelled', '2026-11-20'),
      conv('B4', 'booked', '2026-12-01'),
    ]);
    const solare = out.vendors.get('solare' as VendorCode)!;
    expect(solare.lines.map((l) => [l.bookingId, l.kind, l.amountCents])).toEqual([
      ['B1', 'paid', 12_000],
      ['B2', 'paid', 8_000],
      ['B3', 'reversed-before-payment', 0],
    ]);
    expect({ bookings: solare.bookings, value: solare.bookingValueCents, commission: solare.commissionCents, clawback: solare.clawbackCents, net: solare.netCents }).toEqual({ bookings: 2, value: 200_000, commission: 20_000, clawback: 0, net: 20_000 });
    expect(solare.lines[0]).toMatchObject({ clickId: CLICK, source: 'events/dt=2026-11-03/part-0001.gz' });
  });

  it('a booking paid in October and cancelled in November is a clawback line in November', () => {
    const conversions = [conv('B9', 'booked', '2026-10-20', { valueCents: 70_000 }), conv('B9', 'refunded', '2026-11-05')];
    const october = run(conversions, TEN_PERCENT, { id: '2026-10', from: '2026-10-01', to: '2026-10-31' });
    expect(october.vendors.get('solare' as VendorCode)!.netCents).toBe(7_000);
    const november = run(conversions).vendors.get('solare' as VendorCode)!;
    expect(november.lines).toEqual([expect.objectContaining({ bookingId: 'B9', kind: 'clawback', amountCents: -7_000, commissionCents: 7_000, reversal: { status: 'refunded', day: '2026-11-05', source: 'events/dt=2026-11-05/part-0001.gz' } })]);
    expect(november).toMatchObject({ bookings: 0, commissionCents: 0, clawbackCents: 7_000, netCents: -7_000 });
  });

  it('a holding period moves payment to the month in which trip + hold days falls', () => {
    const rule: CommissionRule = { ...TEN_PERCENT, holdDays: 7 };
    const conversions = [conv('H1', 'booked', '2026-11-15', { tripDate: '2026-11-28' }), conv('H2', 'booked', '2026-11-15', { tripDate: '2026-11-20' })];
    const nov = run(conversions, rule).vendors.get('solare' as VendorCode)!;
    expect(nov.lines.map((l) => [l.bookingId, l.kind, l.payableFrom, l.amountCents])).toEqual([
      ['H1', 'held', '2026-12-05', 0],
      ['H2', 'paid', '2026-11-27', 10_000],
    ]);
    const dec = run(conversions, rule, { id: '2026-12', from: '2026-12-01', to: '2026-12-31' }).vendors.get('solare' as VendorCode)!;
    expect(dec.lines.map((l) => [l.bookingId, l.kind, l.amountCents])).toEqual([['H1', 'paid', 10_000]]);
  });

  it('a held booking cancelled before it became payable is never paid and never clawed back', () => {
    const rule: CommissionRule = { ...TEN_PERCENT, holdDays: 30 };
    const conversions = [conv('H3', 'booked', '2026-11-15', { tripDate: '2026-12-20' }), conv('H3', 'cancelled', '2026-12-10')];
    const dec = run(conversions, rule, { id: '2026-12', from: '2026-12-01', to: '2026-12-31' }).vendors.get('solare' as VendorCode)!;
    expect(dec.lines.map((l) => [l.kind, l.amountCents])).toEqual([['reversed-before-payment', 0]]);
    const jan = run(conversions, rule, { id: '2027-01', from: '2027-01-01', to: '2027-01-31' }).vendors.get('solare' as VendorCode)!;
    expect(jan.lines).toEqual([]);
  });

  it('reports unattributed bookings of the month and bookings in another currency, and prices neither', () => {
    const out = run([
      conv('U1', 'booked', '2026-11-04', { attribution: { kind: 'unattributed', reason: 'outside-window' } }),
      conv('E1', 'booked', '2026-11-04', { currency: 'EUR' }),
    ]);
    expect(out.unattributed).toEqual([{ bookingId: 'U1', day: '2026-11-04', valueCents: 100_000, reason: 'outside-window', source: 'events/dt=2026-11-04/part-0001.gz' }]);
    expect(out.problems).toEqual([{ bookingId: 'E1', message: 'booking E1 is in EUR, the rules in USD: not priced' }]);
    expect(out.vendors.get('solare' as VendorCode)!.lines).toEqual([]);
  });

  it('a cancellation of a booking that was never reported takes nothing back', () => {
    expect(run([conv('X1', 'cancelled', '2026-11-04')]).vendors.get('solare' as VendorCode)!.lines).toEqual([]);
  });
});

describe('computePayouts with bookings', async () => {
  const { computePayouts, parseMonth } = await import('../../core/finance/payouts.ts');
  const { renderPayoutFiles } = await import('../../core/finance/payout-files.ts');
  const rulesText = JSON.stringify({ currency: 'USD', vendors: { solare: { rateCents: 0, minimumPayoutCents: 1_000, commission: { basisPoints: 1000 } } } });
  const { rules, sha256 } = parsePayoutRules(rulesText, 'rules.json', new Set(['solare']));
  const month = parseMonth('2026-11');
  const conversions = [
    conv('B1', 'booked', '2026-11-03', { valueCents: 120_000 }),
    conv('B2', 'booked', '2026-11-10', { valueCents: 80_000 }),
    conv('B2', 'cancelled', '2026-11-12'),
    conv('B0', 'booked', '2026-10-28', { valueCents: 50_000 }),
    conv('B0', 'refunded', '2026-11-02'),
  ];

  it('pays 10% of November bookings, less what was cancelled, and claws back October\'s refund', () => {
    const run = computePayouts({ month, rules, lines: [], carryIn: null, qualification: DEFAULT_RULES, vendorNames: new Map([['solare', 'Solare']]), conversions });
    const solare = run.vendors[0]!;
    expect({ bookings: solare.bookings, value: solare.bookingValueCents, commission: solare.commissionCents, clawback: solare.clawbackCents, due: solare.dueCents, amount: solare.amountCents }).toEqual({
      bookings: 1, value: 120_000, commission: 12_000, clawback: 5_000, due: 7_000, amount: 7_000,
    });
    const files = renderPayoutFiles(run, { timeZone: 'America/Los_Angeles', monthEnded: true, issuer: 'JADA', rules, rulesSha256: sha256, carryIn: null, source: '.data/s3/reftrack-exports', objects: [], problems: [] });
    expect(files.get('bookings/solare.csv')!.split('\n').slice(0, 4)).toEqual([
      'booking_id,line,click_id,booked_day,trip_date,payable_from,value,commission,amount,reversal,reversal_day,export_object,reversal_export_object',
      `B0,clawback,${CLICK},2026-10-28,2026-10-28,2026-10-28,500.00,50.00,-50.00,refunded,2026-11-02,events/dt=2026-10-28/part-0001.gz,events/dt=2026-11-02/part-0001.gz`,
      `B1,paid,${CLICK},2026-11-03,2026-11-03,2026-11-03,1200.00,120.00,120.00,,,events/dt=2026-11-03/part-0001.gz,`,
      `B2,reversed-before-payment,${CLICK},2026-11-10,2026-11-10,2026-11-10,800.00,80.00,0.00,cancelled,2026-11-12,events/dt=2026-11-10/part-0001.gz,events/dt=2026-11-12/part-0001.gz`,
    ]);
    expect(files.get('statements.csv')).toContain('solare,Solare,2026-11,0,0,0,0,0,0,0,0,0.00,0.00,,false,1,1200.00,120.00,50.00,0.00,10.00,70.00,0.00,USD');
    expect(files.get('statements/solare.html')).toContain('Commission on 1 booking');
  });

  it('a clawback larger than the month is carried forward as a negative balance, and read back as carry-in', async () => {
    const { parseCarryIn } = await import('../../core/finance/payouts.ts');
    const run = computePayouts({ month, rules, lines: [], carryIn: null, qualification: DEFAULT_RULES, vendorNames: new Map(), conversions: conversions.filter((c) => c.event.bookingId === 'B0') });
    expect(run.vendors[0]).toMatchObject({ dueCents: -5_000, amountCents: 0, carriedForwardCents: -5_000 });
    const summary = renderPayoutFiles(run, { timeZone: 'America/Los_Angeles', monthEnded: true, issuer: 'JADA', rules, rulesSha256: sha256, carryIn: null, source: 's', objects: [], problems: [] }).get('summary.json')!;
    const carry = parseCarryIn(summary, 'summary.json', 'x', parseMonth('2026-12'), 'USD');
    expect(carry.balances.get('solare')).toBe(-5_000);
  });
});
