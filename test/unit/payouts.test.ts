import { readFileSync } from 'node:fs';
import { DEFAULT_RULES } from '../../core/qualification.ts';
import { describe, expect, it } from 'vitest';
import { loadSeedVendors } from '../../config/seed-vendors.ts';
import { toExportRecord } from '../../core/export-record.ts';
import { ValidationError } from '../../core/errors.ts';
import type { ExportedClick } from '../../core/finance/exported-click.ts';
import { formatCents, multiplyCents } from '../../core/finance/money.ts';
import { isComplete, renderPayoutFiles, type PayoutMeta } from '../../core/finance/payout-files.ts';
import { parsePayoutRules, PayoutRulesError } from '../../core/finance/payout-rules.ts';
import { computePayouts, parseCarryIn, parseMonth, previousMonth, rollupDifferences } from '../../core/finance/payouts.ts';
import { click, type ClickSpec } from '../support/click-events.ts';

const KNOWN = new Set(['solare', 'puesto', 'lola', 'boardbrew']);

const lines = (specs: ClickSpec[]): ExportedClick[] => specs.map((s) => toExportRecord(click(s)));

const rulesText = JSON.stringify({
  currency: 'USD',
  vendors: {
    solare: { rateCents: 125 },
    puesto: { rateCents: 300, monthlyCapCents: 500 },
    lola: { rateCents: 40, minimumPayoutCents: 100 },
  },
});

describe('money', () => {
  it('formats integer cents exactly and refuses non-integers', () => {
    expect([formatCents(0), formatCents(5), formatCents(1250), formatCents(123456789)]).toEqual(['0.00', '0.05', '12.50', '1234567.89']);
    expect(() => formatCents(0.1 + 0.2)).toThrow(ValidationError);
    expect(multiplyCents(3, 125)).toBe(375);
    expect(() => multiplyCents(2 ** 40, 2 ** 20)).toThrow(/too large/);
  });
});

describe('payout rules', () => {
  it('parses, sorts vendors, hashes the exact text', () => {
    const { rules, sha256 } = parsePayoutRules(rulesText, 'rules.json', KNOWN);
    expect([...rules.vendors.keys()]).toEqual(['lola', 'puesto', 'solare']);
    expect(rules.vendors.get('solare' as never)).toEqual({ rateCents: 125, monthlyCapCents: null, minimumPayoutCents: 0, commission: null });
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('the shipped config/payout-rules.json prices exactly the seven seed vendors', () => {
    const seeds = loadSeedVendors().map((v) => v.code);
    const { rules } = parsePayoutRules(readFileSync('config/payout-rules.json', 'utf8'), 'config/payout-rules.json', new Set(seeds));
    expect([...rules.vendors.keys()]).toEqual([...seeds].sort());
  });

  it('refuses unknown vendors, fractional cents, unknown keys and bad JSON, naming the file', () => {
    expect(() => parsePayoutRules(JSON.stringify({ currency: 'USD', vendors: { solar: { rateCents: 1 } } }), 'r.json', KNOWN)).toThrow(/r\.json: unknown vendor "solar"/);
    expect(() => parsePayoutRules(JSON.stringify({ currency: 'USD', vendors: { solare: { rateCents: 1.5 } } }), 'r.json', KNOWN)).toThrow(/vendors\.solare\.rateCents: must be a whole number of cents/);
    expect(() => parsePayoutRules(JSON.stringify({ currency: 'USD', vendors: { solare: { rate: 1 } } }), 'r.json', KNOWN)).toThrow(PayoutRulesError);
    expect(() => parsePayoutRules(JSON.stringify({ currency: 'dollars', vendors: {} }), 'r.json', KNOWN)).toThrow(/currency/);
    expect(() => parsePayoutRules('{', 'r.json', KNOWN)).toThrow(/r\.json: not valid JSON/);
  });
});

describe('months', () => {
  it('covers every business day of the month, leap years included', () => {
    expect(parseMonth('2026-11').days).toHaveLength(30);
    expect([parseMonth('2028-02').to, parseMonth('2026-02').to]).toEqual(['2028-02-29', '2026-02-28']);
    expect([previousMonth(parseMonth('2026-01')), previousMonth(parseMonth('2026-11'))]).toEqual(['2025-12', '2026-10']);
    for (const bad of ['2026-13', '2026-1', 'nov', '2026-11-01']) expect(() => parseMonth(bad)).toThrow(ValidationError);
  });
});

describe('computePayouts (hand-computed)', () => {
  const month = parseMonth('2026-11');
  const { rules } = parsePayoutRules(rulesText, 'rules.json', KNOWN);
  const names = new Map([['lola', 'Lola'], ['puesto', 'Puesto'], ['solare', 'Solare']]);

  // solare (8 lines, 7 in November): visitor a twice on Nov 3 (1 qualified + 1 duplicate visitor), a again
  // on Nov 4 (qualified: a new day), b a bot, c internal, d a prefetch (bot) then the real click (qualified).
  // 3 qualified x 1.25 = 3.75.
  const solare = lines([
    { vendor: 'solare', visitor: 'a', at: '2026-11-03T17:00:00.000Z' },
    { vendor: 'solare', visitor: 'a', at: '2026-11-03T17:05:00.000Z' },
    { vendor: 'solare', visitor: 'a', at: '2026-11-04T17:00:00.000Z' },
    { vendor: 'solare', visitor: 'b', at: '2026-11-03T18:00:00.000Z', bot: true },
    { vendor: 'solare', visitor: 'c', at: '2026-11-03T19:00:00.000Z', internal: true },
    { vendor: 'solare', visitor: 'd', at: '2026-11-05T19:00:00.000Z', bot: 'prefetch' },
    { vendor: 'solare', visitor: 'd', at: '2026-11-05T19:00:01.000Z' },
    // 2026-12-01 00:30 in Los Angeles: December, not paid in November.
    { vendor: 'solare', visitor: 'e', at: '2026-12-01T08:30:00.000Z' },
  ]);
  // puesto: 3 qualified x 3.00 = 9.00, capped at 5.00.
  const puesto = lines(['p', 'q', 'r'].map((visitor) => ({ vendor: 'puesto', visitor, at: '2026-11-10T20:00:00.000Z' })));
  // lola: 2 qualified x 0.40 = 0.80 < minimum 1.00 -> nothing paid, 0.80 carried forward.
  const lola = lines(['x', 'y'].map((visitor) => ({ vendor: 'lola', visitor, at: '2026-11-20T20:00:00.000Z' })));
  // boardbrew has clicks but no rule.
  const board = lines([{ vendor: 'boardbrew', visitor: 'z', at: '2026-11-21T20:00:00.000Z' }]);
  // At-least-once delivery: some lines arrive twice, in another order.
  const all = [...solare, ...puesto, ...lola, ...board, solare[0]!, puesto[2]!, solare[6]!];

  it('applies rate, cap and minimum; dedupes on clickId; one column per click', () => {
    const run = computePayouts({ month, rules, lines: all, carryIn: null, qualification: DEFAULT_RULES, vendorNames: names });
    expect(run.lines).toEqual({ read: 17, unique: 14, duplicateDeliveries: 3, outsideMonth: 1 });
    const day = (n: number) => `2026-11-${String(n).padStart(2, '0')}`;
    const days = (counts: Record<number, [number, number]>) =>
      Array.from({ length: 30 }, (_, i) => ({ day: day(i + 1), clicks: counts[i + 1]?.[0] ?? 0, qualifiedClicks: counts[i + 1]?.[1] ?? 0 }));
    const paid = (l: ExportedClick) => ({ clickId: l.clickId, day: l.day, ts: l.ts });
    // The exclusion columns of the qualification rules are checked by the sum below.
    expect(run.vendors).toMatchObject([
      {
        code: 'lola', name: 'Lola', clicks: 2, botClicks: 0, internalClicks: 0, subresourceClicks: 0, suspiciousClicks: 0, networkCapClicks: 0, duplicateVisitorClicks: 0, qualifiedClicks: 2,
        rateCents: 40, earnedCents: 80, monthlyCapCents: null, capApplied: false, bookings: 0, bookingValueCents: 0, commissionCents: 0, clawbackCents: 0, bookingLines: [], carriedInCents: 0, dueCents: 80, minimumPayoutCents: 100,
        amountCents: 0, carriedForwardCents: 80, days: days({ 20: [2, 2] }), qualified: lola.map(paid),
      },
      {
        code: 'puesto', name: 'Puesto', clicks: 3, botClicks: 0, internalClicks: 0, subresourceClicks: 0, suspiciousClicks: 0, networkCapClicks: 0, duplicateVisitorClicks: 0, qualifiedClicks: 3,
        rateCents: 300, earnedCents: 900, monthlyCapCents: 500, capApplied: true, bookings: 0, bookingValueCents: 0, commissionCents: 0, clawbackCents: 0, bookingLines: [], carriedInCents: 0, dueCents: 500, minimumPayoutCents: 0,
        amountCents: 500, carriedForwardCents: 0, days: days({ 10: [3, 3] }), qualified: puesto.map(paid),
      },
      {
        code: 'solare', name: 'Solare', clicks: 7, botClicks: 2, internalClicks: 1, subresourceClicks: 0, suspiciousClicks: 0, networkCapClicks: 0, duplicateVisitorClicks: 1, qualifiedClicks: 3,
        rateCents: 125, earnedCents: 375, monthlyCapCents: null, capApplied: false, bookings: 0, bookingValueCents: 0, commissionCents: 0, clawbackCents: 0, bookingLines: [], carriedInCents: 0, dueCents: 375, minimumPayoutCents: 0,
        amountCents: 375, carriedForwardCents: 0, days: days({ 3: [4, 1], 4: [1, 1], 5: [2, 1] }), qualified: [solare[0]!, solare[2]!, solare[6]!].map(paid),
      },
    ]);
    expect(run.unpriced).toEqual([{ code: 'boardbrew', clicks: 1, qualifiedClicks: 1 }]);
    for (const v of run.vendors) expect(v.botClicks + v.subresourceClicks + v.internalClicks + v.suspiciousClicks + v.networkCapClicks + v.duplicateVisitorClicks + v.qualifiedClicks).toBe(v.clicks);
  });

  it('a carried-in balance is added after the cap and can lift a vendor over its minimum', () => {
    const prev = JSON.stringify({ schema: 'reftrack.payouts/1', month: '2026-10', currency: 'USD', vendors: [{ code: 'lola', carriedForwardCents: 30 }, { code: 'puesto', carriedForwardCents: 0 }] });
    const carryIn = parseCarryIn(prev, 'oct/summary.json', 'abc', month, 'USD');
    const run = computePayouts({ month, rules, lines: all, carryIn, qualification: DEFAULT_RULES, vendorNames: names });
    const lolaRun = run.vendors.find((v) => v.code === 'lola')!;
    expect([lolaRun.earnedCents, lolaRun.carriedInCents, lolaRun.dueCents, lolaRun.amountCents, lolaRun.carriedForwardCents]).toEqual([80, 30, 110, 110, 0]);
    // puesto carried in nothing (a zero balance), solare is absent from the carry-in: both unchanged.
    expect(run.vendors.map((v) => [v.code, v.carriedInCents, v.amountCents])).toEqual([['lola', 30, 110], ['puesto', 0, 500], ['solare', 0, 375]]);
    expect(() => parseCarryIn(prev.replace('2026-10', '2026-09'), 'sep.json', 'abc', month, 'USD')).toThrow(/is the summary of 2026-09; the carry-in for 2026-11 must be 2026-10's/);
    expect(() => parseCarryIn(prev, 'oct.json', 'abc', month, 'EUR')).toThrow(/USD/);
  });

  it('renders the same bytes whatever order the lines came in', () => {
    const meta: PayoutMeta = { timeZone: 'America/Los_Angeles', issuer: 'Queen of San Diego', rules, rulesSha256: 'f'.repeat(64), carryIn: null, source: 'exports', objects: [], problems: [], monthEnded: true };
    const a = renderPayoutFiles(computePayouts({ month, rules, lines: all, carryIn: null, qualification: DEFAULT_RULES, vendorNames: names }), meta);
    const b = renderPayoutFiles(computePayouts({ month, rules, lines: [...all].reverse(), carryIn: null, qualification: DEFAULT_RULES, vendorNames: names }), meta);
    expect([...a.keys()].sort()).toEqual(['audit/lola.csv', 'audit/puesto.csv', 'audit/solare.csv', 'statements.csv', 'statements/lola.html', 'statements/puesto.html', 'statements/solare.html', 'summary.json']);
    expect(Object.fromEntries(b)).toEqual(Object.fromEntries(a));
    expect(a.get('statements.csv')!.split('\n')[3]).toBe('solare,Solare,2026-11,7,2,0,1,0,0,1,3,1.25,3.75,,false,0,0.00,0.00,0.00,0.00,0.00,3.75,0.00,USD');
  });

  it('escapes vendor names in the HTML statement and CSV', () => {
    const hostile = lines([{ vendor: 'solare', visitor: 'h', at: '2026-11-08T20:00:00.000Z' }]).map((l) => ({ ...l, vendorName: '<script>alert("x")</script>, Inc' }));
    const run = computePayouts({ month, rules, lines: hostile, carryIn: null, qualification: DEFAULT_RULES, vendorNames: names });
    const files = renderPayoutFiles(run, { timeZone: 'UTC', issuer: 'Q & Co', rules, rulesSha256: '0'.repeat(64), carryIn: null, source: 'x', objects: [], problems: [], monthEnded: true });
    const html = files.get('statements/solare.html')!;
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;, Inc');
    expect(html).toContain('Q &amp; Co');
    expect(files.get('statements.csv')).toContain('"<script>alert(""x"")</script>, Inc"');
  });

  it('--check-rollups: differences per vendor/day/field; none when rollups match', () => {
    const run = computePayouts({ month, rules, lines: solare, carryIn: null, qualification: DEFAULT_RULES, vendorNames: names });
    const stored = [...run.vendorDays.values()].map((d) => ({ ...d, day: d.period as never }));
    expect(rollupDifferences(run, stored)).toEqual([]);
    const tampered = stored.map((d) => (d.period === '2026-11-04' ? { ...d, qualifiedClicks: d.qualifiedClicks + 1 } : d));
    expect(rollupDifferences(run, tampered)).toEqual([{ scope: 'solare', period: '2026-11-04', fields: [{ field: 'qualifiedClicks', expected: 1, actual: 2 }] }]);
  });
  it('a month that has not ended is a draft: summary, statements and the reason say so', () => {
    const run = computePayouts({ month, rules, lines: solare, carryIn: null, qualification: DEFAULT_RULES, vendorNames: names });
    const base = { timeZone: 'America/Los_Angeles', issuer: 'Q', rules, rulesSha256: '0'.repeat(64), carryIn: null, source: 'x', objects: [], problems: [] };
    const ended = renderPayoutFiles(run, { ...base, monthEnded: true });
    expect(JSON.parse(ended.get('summary.json')!)).toMatchObject({ complete: true, monthEnded: true });
    expect(ended.get('statements/solare.html')).not.toContain('Draft, not for payment');
    const running = renderPayoutFiles(run, { ...base, monthEnded: false });
    expect(JSON.parse(running.get('summary.json')!)).toMatchObject({ complete: false, monthEnded: false });
    expect(running.get('statements/solare.html')).toContain('<strong>Draft, not for payment:</strong> 2026-11 has not ended yet, so more clicks may come.');
    expect(isComplete(run, { problems: [], monthEnded: false })).toBe(false);
  });

});
