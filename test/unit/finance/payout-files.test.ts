/**
 * The payout files as a vendor and an accountant read them: every CSV line, every summary
 * field and every row of the HTML statement, compared whole against hand-written values.
 * The run is built by hand too, so these tests judge only the rendering.
 */
import { DEFAULT_RULES, ruleLabel } from '../../../core/qualification.ts';
import { describe, expect, it } from 'vitest';
import type { BusinessDay } from '../../../core/business-day.ts';
import type { BookingLine } from '../../../core/finance/commission.ts';
import { draftReasons, isComplete, renderPayoutFiles, SUMMARY_SCHEMA, type PayoutMeta } from '../../../core/finance/payout-files.ts';
import type { PayoutRules } from '../../../core/finance/payout-rules.ts';
import { parseMonth, type Month, type PayoutRun, type VendorStatement } from '../../../core/finance/payouts.ts';
import type { VendorCode } from '../../../core/vendor-code.ts';

const november = parseMonth('2026-11');
const day = (n: number) => `2026-11-${String(n).padStart(2, '0')}` as BusinessDay;
const days = (month: Month, counts: Record<string, [number, number]>) => month.days.map((d) => ({ day: d, clicks: counts[d]?.[0] ?? 0, qualifiedClicks: counts[d]?.[1] ?? 0 }));

// lola: 2 qualified x 0.40 = 0.80, 0.30 carried in, due 1.10 >= minimum 1.00: paid.
const lola: VendorStatement = {
  code: 'lola' as VendorCode, name: 'Lola & Sons', clicks: 5, botClicks: 1, internalClicks: 1, subresourceClicks: 0, suspiciousClicks: 0, networkCapClicks: 0, duplicateVisitorClicks: 1, qualifiedClicks: 2,
  rateCents: 40, earnedCents: 80, monthlyCapCents: null, capApplied: false, bookings: 0, bookingValueCents: 0, commissionCents: 0, clawbackCents: 0, bookingLines: [], carriedInCents: 30, dueCents: 110, minimumPayoutCents: 100,
  amountCents: 110, carriedForwardCents: 0,
  days: days(november, { [day(3)]: [3, 1], [day(20)]: [2, 1] }),
  qualified: [
    { clickId: '01KA0000000000000000000001', day: day(3), ts: '2026-11-03T17:00:00.000Z' },
    { clickId: '01KA0000000000000000000002', day: day(20), ts: '2026-11-20T20:00:00.000Z' },
  ],
};
// puesto: 3 x 3.00 = 9.00 capped at 5.00; below its minimum 6.00, so carried forward.
const puesto: VendorStatement = {
  code: 'puesto' as VendorCode, name: 'Puesto', clicks: 3, botClicks: 0, internalClicks: 0, subresourceClicks: 0, suspiciousClicks: 0, networkCapClicks: 0, duplicateVisitorClicks: 0, qualifiedClicks: 3,
  rateCents: 300, earnedCents: 900, monthlyCapCents: 500, capApplied: true, bookings: 0, bookingValueCents: 0, commissionCents: 0, clawbackCents: 0, bookingLines: [], carriedInCents: 0, dueCents: 500, minimumPayoutCents: 600,
  amountCents: 0, carriedForwardCents: 500,
  days: days(november, { [day(10)]: [3, 3] }),
  qualified: [
    { clickId: '01KA0000000000000000000003', day: day(10), ts: '2026-11-10T20:00:00.000Z' },
    { clickId: '01KA0000000000000000000004', day: day(10), ts: '2026-11-10T20:00:01.000Z' },
    { clickId: '01KA0000000000000000000005', day: day(10), ts: '2026-11-10T20:00:02.000Z' },
  ],
};
// solare: no click, no cap, no minimum.
const solare: VendorStatement = {
  code: 'solare' as VendorCode, name: 'Solare', clicks: 0, botClicks: 0, internalClicks: 0, subresourceClicks: 0, suspiciousClicks: 0, networkCapClicks: 0, duplicateVisitorClicks: 0, qualifiedClicks: 0,
  rateCents: 125, earnedCents: 0, monthlyCapCents: 1000, capApplied: false, bookings: 0, bookingValueCents: 0, commissionCents: 0, clawbackCents: 0, bookingLines: [], carriedInCents: 0, dueCents: 0, minimumPayoutCents: 0,
  amountCents: 0, carriedForwardCents: 0, days: days(november, {}), qualified: [],
};

const rules: PayoutRules = {
  currency: 'USD',
  vendors: new Map([
    ['lola' as VendorCode, { rateCents: 40, monthlyCapCents: null, minimumPayoutCents: 100, commission: null }],
    ['puesto' as VendorCode, { rateCents: 300, monthlyCapCents: 500, minimumPayoutCents: 600, commission: null }],
    ['solare' as VendorCode, { rateCents: 125, monthlyCapCents: 1000, minimumPayoutCents: 0, commission: null }],
  ]),
};

const run = (over: Partial<PayoutRun> = {}): PayoutRun => ({
  month: november,
  currency: 'USD',
  lines: { read: 12, unique: 10, duplicateDeliveries: 2, outsideMonth: 2 },
  vendors: [lola, puesto, solare],
  unattributedBookings: [],
  bookingProblems: [],
  unpriced: [],
  vendorDays: new Map(),
  qualificationRules: ruleLabel(DEFAULT_RULES),
  ...over,
});

const meta = (over: Partial<PayoutMeta> = {}): PayoutMeta => ({
  timeZone: 'America/Los_Angeles',
  issuer: 'Queen of San Diego',
  rules,
  rulesSha256: '0123456789abcdef'.repeat(4),
  carryIn: { month: '2026-10', currency: 'USD', sha256: 'c'.repeat(64), balances: new Map([['lola', 30]]) },
  source: 's3://exports/clicks/',
  objects: [
    { key: 'clicks/day=2026-11-20/b.gz', day: '2026-11-20', size: 200, sha256: 'b'.repeat(64), records: 4 },
    { key: 'clicks/day=2026-11-03/a.gz', day: '2026-11-03', size: 100, etag: '"e1"', sha256: 'a'.repeat(64), records: 8 },
  ],
  problems: [],
  monthEnded: true,
  ...over,
});

/** Every `<tr>` of a statement: its class (if any) and the text of its cells. */
function tableRows(html: string): string[][] {
  return [...html.matchAll(/<tr(?: class="([^"]*)")?>(.*?)<\/tr>/g)].map(([, cls, cells]) => [
    ...(cls ? [`.${cls}`] : []),
    ...[...cells!.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map(([, text]) => text!),
  ]);
}

// Rendered inside each test (never at describe time), so a mutation run knows which tests read which code.
const rendered = () => renderPayoutFiles(run(), meta());

describe('statements.csv and the audit files', () => {

  it('writes exactly these files', () => {
    expect([...rendered().keys()]).toEqual(['statements.csv', 'audit/lola.csv', 'statements/lola.html', 'audit/puesto.csv', 'statements/puesto.html', 'audit/solare.csv', 'statements/solare.html', 'summary.json']);
  });

  it('one line per vendor, money as decimal text, an empty cell for no cap, a quoted name with a comma', () => {
    const withComma = { ...lola, name: 'Lola, "the" bar' };
    expect(renderPayoutFiles(run({ vendors: [withComma, puesto, solare] }), meta()).get('statements.csv')).toBe(
      [
        'vendor,name,month,clicks,bot_clicks,subresource_clicks,internal_clicks,suspicious_clicks,network_cap_clicks,duplicate_visitor_clicks,qualified_clicks,rate,earned,monthly_cap,cap_applied,bookings,booking_value,commission,clawback,carried_in,minimum_payout,amount,carried_forward,currency',
        'lola,"Lola, ""the"" bar",2026-11,5,1,0,1,0,0,1,2,0.40,0.80,,false,0,0.00,0.00,0.00,0.30,1.00,1.10,0.00,USD',
        'puesto,Puesto,2026-11,3,0,0,0,0,0,0,3,3.00,9.00,5.00,true,0,0.00,0.00,0.00,0.00,6.00,0.00,5.00,USD',
        'solare,Solare,2026-11,0,0,0,0,0,0,0,0,1.25,0.00,10.00,false,0,0.00,0.00,0.00,0.00,0.00,0.00,0.00,USD',
        '',
      ].join('\n'),
    );
  });

  it('the audit file lists every paid click by id; a vendor without one gets only the header', () => {
    const files = rendered();
    expect(files.get('audit/lola.csv')).toBe('click_id,day,ts\n01KA0000000000000000000001,2026-11-03,2026-11-03T17:00:00.000Z\n01KA0000000000000000000002,2026-11-20,2026-11-20T20:00:00.000Z\n');
    expect(files.get('audit/solare.csv')).toBe('click_id,day,ts\n');
  });
});

describe('summary.json', () => {
  it('holds the run, its inputs (sorted), the rules and carry-in it used, and the totals', () => {
    const text = renderPayoutFiles(run(), meta()).get('summary.json')!;
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe(`  "schema": "${SUMMARY_SCHEMA}",`);
    const vendorLine = (v: VendorStatement, amount: string) => ({
      code: v.code, name: v.name, clicks: v.clicks, botClicks: v.botClicks, subresourceClicks: v.subresourceClicks, internalClicks: v.internalClicks,
      suspiciousClicks: v.suspiciousClicks, networkCapClicks: v.networkCapClicks, duplicateVisitorClicks: v.duplicateVisitorClicks,
      qualifiedClicks: v.qualifiedClicks, rateCents: v.rateCents, earnedCents: v.earnedCents, monthlyCapCents: v.monthlyCapCents, capApplied: v.capApplied,
      bookings: v.bookings, bookingValueCents: v.bookingValueCents, commissionCents: v.commissionCents, clawbackCents: v.clawbackCents,
      carriedInCents: v.carriedInCents, dueCents: v.dueCents, minimumPayoutCents: v.minimumPayoutCents, amountCents: v.amountCents, carriedForwardCents: v.carriedForwardCents, amount,
    });
    expect(JSON.parse(text)).toEqual({
      schema: 'reftrack.payouts/1',
      month: '2026-11',
      from: '2026-11-01',
      to: '2026-11-30',
      timeZone: 'America/Los_Angeles',
      currency: 'USD',
      complete: true,
      monthEnded: true,
      qualificationRules: 'qualification v1 (cap 3/network/day, velocity 10/min)',
      rules: {
        sha256: '0123456789abcdef'.repeat(4),
        vendors: {
          lola: { rateCents: 40, monthlyCapCents: null, minimumPayoutCents: 100 },
          puesto: { rateCents: 300, monthlyCapCents: 500, minimumPayoutCents: 600 },
          solare: { rateCents: 125, monthlyCapCents: 1000, minimumPayoutCents: 0 },
        },
      },
      carryIn: { month: '2026-10', sha256: 'c'.repeat(64) },
      inputs: {
        source: 's3://exports/clicks/',
        objects: [
          { key: 'clicks/day=2026-11-03/a.gz', day: '2026-11-03', size: 100, etag: '"e1"', sha256: 'a'.repeat(64), records: 8 },
          { key: 'clicks/day=2026-11-20/b.gz', day: '2026-11-20', size: 200, sha256: 'b'.repeat(64), records: 4 },
        ],
      },
      lines: { read: 12, unique: 10, duplicateDeliveries: 2, outsideMonth: 2 },
      problems: [],
      unpricedVendors: [],
      unattributedBookings: [],
      bookingProblems: [],
      vendors: [vendorLine(lola, '1.10'), vendorLine(puesto, '0.00'), vendorLine(solare, '0.00')],
      totals: { clicks: 8, botClicks: 1, internalClicks: 1, subresourceClicks: 0, suspiciousClicks: 0, networkCapClicks: 0, duplicateVisitorClicks: 1, qualifiedClicks: 5, bookings: 0, commissionCents: 0, clawbackCents: 0, amountCents: 110, carriedForwardCents: 500, amount: '1.10', carriedForward: '5.00' },
    });
    // An object without an etag has no etag key at all (not "etag": null).
    expect(text).not.toContain('"etag": null');
  });

  it('an incomplete run says so, lists its problems sorted by object, line and message, and its unpriced vendors', () => {
    const problems = [
      { key: 'b.gz', line: 7, message: 'not JSON' },
      { key: 'a.gz', message: 'unreadable gzip' },
      { key: 'b.gz', line: 2, message: 'zeta' },
      { key: 'b.gz', line: 2, message: 'alpha' },
      { key: 'a.gz', line: 1, message: 'first' },
    ];
    const unpriced = [{ code: 'boardbrew' as VendorCode, clicks: 4, qualifiedClicks: 2 }];
    const summary = JSON.parse(renderPayoutFiles(run({ unpriced }), meta({ problems, carryIn: null })).get('summary.json')!);
    expect(summary.complete).toBe(false);
    expect(summary.carryIn).toBeNull();
    expect(summary.problems).toEqual([
      // No line sorts before line 1, whatever the messages say.
      { key: 'a.gz', message: 'unreadable gzip' },
      { key: 'a.gz', line: 1, message: 'first' },
      { key: 'b.gz', line: 2, message: 'alpha' },
      { key: 'b.gz', line: 2, message: 'zeta' },
      { key: 'b.gz', line: 7, message: 'not JSON' },
    ]);
    expect(summary.unpricedVendors).toEqual([{ code: 'boardbrew', clicks: 4, qualifiedClicks: 2 }]);
  });
});

describe('isComplete', () => {
  it('only with the month ended, no unreadable input and no vendor without a rule', () => {
    expect(isComplete(run(), { problems: [], monthEnded: true })).toBe(true);
    expect(isComplete(run(), { problems: [], monthEnded: false })).toBe(false);
    expect(isComplete(run(), { problems: [{ key: 'a', message: 'x' }], monthEnded: true })).toBe(false);
    expect(isComplete(run({ unpriced: [{ code: 'zeta' as VendorCode, clicks: 1, qualifiedClicks: 0 }] }), { problems: [], monthEnded: true })).toBe(false);
  });
});

describe('the HTML statement', () => {
  const statement = (code: string) => rendered().get(`statements/${code}.html`)!;

  it('is titled for the vendor and the month, and says who pays whom, for which days, in which zone', () => {
    const lolaHtml = statement('lola');
    expect(lolaHtml).toMatch(/^<!DOCTYPE html>\n<html lang="en">\n/);
    expect(lolaHtml).toContain('<title>Referral statement: Lola &amp; Sons, November 2026</title>');
    expect(lolaHtml).toContain('<h1>Referral statement: Lola &amp; Sons, November 2026</h1>');
    expect(lolaHtml).toContain(
      '<p class="muted">From Queen of San Diego to Lola &amp; Sons (referral code <code>lola</code>). Business days 2026-11-01 to 2026-11-30, America/Los_Angeles.</p>',
    );
    expect(lolaHtml).toContain('the figures are computed from the click export, rules 0123456789ab.</p>');
    expect(lolaHtml).not.toContain('Draft');
    // A complete run has nothing between the heading paragraph and the figures.
    expect(lolaHtml).toContain('America/Los_Angeles.</p>\n\n<h2>Clicks</h2>');
  });

  it('names every month by its English name', () => {
    const names = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
    names.forEach((name, i) => {
      const month = parseMonth(`2027-${String(i + 1).padStart(2, '0')}`);
      const html = renderPayoutFiles(run({ month, vendors: [{ ...solare, days: days(month, {}) }] }), meta()).get('statements/solare.html')!;
      expect(html).toContain(`<h1>Referral statement: Solare, ${name} 2027</h1>`);
    });
  });

  it('clicks, amount, and the per-day table: one row for each day with clicks', () => {
    const lolaHtml = statement('lola');
    expect(tableRows(lolaHtml)).toEqual([
      ['Clicks on your link', '5'],
      ['Automated (bots, link previews, prefetches)', '1'],
      ['Loaded by a page, not clicked (images, frames, scripts)', '0'],
      ['Our own staff', '1'],
      ['Bursts from one network (more than the velocity limit in a minute)', '0'],
      ['Beyond the paid clicks allowed per network per day', '0'],
      ['Repeat clicks by a guest already counted that day', '1'],
      ['.total', 'Qualified clicks (paid)', '2'],
      ['2 qualified clicks &times; 0.40 USD', '0.80 USD'],
      ['Carried over from last month', '0.30 USD'],
      ['Due', '1.10 USD'],
      ['Minimum payout', '1.00 USD'],
      ['.total', 'Paid this month', '1.10 USD'],
      ['Day', 'Clicks', 'Qualified'],
      ['2026-11-03', '3', '1'],
      ['2026-11-20', '2', '1'],
    ]);
    expect(lolaHtml).toContain(
      [
        '<h2>Days with clicks</h2>',
        '<table>',
        '<thead><tr><th scope="col">Day</th><th scope="col" class="n">Clicks</th><th scope="col" class="n">Qualified</th></tr></thead>',
        '<tbody>',
        '<tr><td>2026-11-03</td><td class="n">3</td><td class="n">1</td></tr>',
        '<tr><td>2026-11-20</td><td class="n">2</td><td class="n">1</td></tr>',
        '</tbody>',
        '</table>',
      ].join('\n'),
    );
    expect(lolaHtml).toContain(
      [
        '<h2>Amount</h2>',
        '<table>',
        '<tr><th scope="row">2 qualified clicks &times; 0.40 USD</th><td class="n">0.80 USD</td></tr>',
        '',
        '<tr><th scope="row">Carried over from last month</th><td class="n">0.30 USD</td></tr>',
        '<tr><th scope="row">Due</th><td class="n">1.10 USD</td></tr>',
        '<tr><th scope="row">Minimum payout</th><td class="n">1.00 USD</td></tr>',
        '<tr class="total"><th scope="row">Paid this month</th><td class="n">1.10 USD</td></tr>',
        '',
        '</table>',
      ].join('\n'),
    );
  });

  it('a capped vendor below its minimum: the cap marked applied and the amount carried forward', () => {
    expect(tableRows(statement('puesto')).slice(8)).toEqual([
      ['3 qualified clicks &times; 3.00 USD', '9.00 USD'],
      ['Monthly cap (applied)', '5.00 USD'],
      ['Carried over from last month', '0.00 USD'],
      ['Due', '5.00 USD'],
      ['Minimum payout', '6.00 USD'],
      ['.total', 'Paid this month', '0.00 USD'],
      ['Carried forward to next month (below the minimum)', '5.00 USD'],
      ['Day', 'Clicks', 'Qualified'],
      ['2026-11-10', '3', '3'],
    ]);
  });

  it('a vendor without clicks: a cap not applied, no minimum row, and no day table', () => {
    const html = statement('solare');
    expect(tableRows(html).slice(8)).toEqual([
      ['0 qualified clicks &times; 1.25 USD', '0.00 USD'],
      ['Monthly cap', '10.00 USD'],
      ['Carried over from last month', '0.00 USD'],
      ['Due', '0.00 USD'],
      ['.total', 'Paid this month', '0.00 USD'],
    ]);
    expect(html).toContain('<h2>Days with clicks</h2>\n<p>No clicks this month.</p>');
    // Rows that do not apply leave nothing behind, not even text outside a row.
    expect(html).toContain(
      [
        '<h2>Amount</h2>',
        '<table>',
        '<tr><th scope="row">0 qualified clicks &times; 1.25 USD</th><td class="n">0.00 USD</td></tr>',
        '<tr><th scope="row">Monthly cap</th><td class="n">10.00 USD</td></tr>',
        '<tr><th scope="row">Carried over from last month</th><td class="n">0.00 USD</td></tr>',
        '<tr><th scope="row">Due</th><td class="n">0.00 USD</td></tr>',
        '',
        '<tr class="total"><th scope="row">Paid this month</th><td class="n">0.00 USD</td></tr>',
        '',
        '</table>',
      ].join('\n'),
    );
  });

  it('an incomplete run is marked a draft, saying how many inputs failed and how many vendors have no rule', () => {
    const problems = [{ key: 'a.gz', message: 'x' }, { key: 'b.gz', message: 'y' }];
    const draft = (unpriced: PayoutRun['unpriced'], p: PayoutMeta['problems']) => renderPayoutFiles(run({ unpriced }), meta({ problems: p })).get('statements/lola.html')!;
    const start = '<p class="draft" role="alert"><strong>Draft, not for payment:</strong> ';
    const end = '. The figures below may be incomplete.</p>';
    expect(draft([], problems)).toContain(`${start}2 part(s) of the click export could not be read${end}`);
    expect(draft([{ code: 'zeta' as VendorCode, clicks: 1, qualifiedClicks: 0 }], [])).toContain(`${start}1 vendor(s) have no payout rule${end}`);
  });

  it('escapes the currency, issuer, zone and names', () => {
    const hostile = renderPayoutFiles(run({ currency: '<b>' }), meta({ issuer: '"Q" <Co>', timeZone: 'Etc/<x>' })).get('statements/lola.html')!;
    expect(hostile).toContain('0.80 &lt;b&gt;');
    expect(hostile).toContain('From &quot;Q&quot; &lt;Co&gt; to Lola &amp; Sons');
    expect(hostile).toContain('Etc/&lt;x&gt;.');
    expect(hostile).not.toMatch(/<b>|<Co>|<x>/);
  });
});

describe('bookings on the statement', () => {
  const commission = { flatCents: null, basisPoints: 1000, holdDays: 14 };
  const bookingLine = (over: Partial<BookingLine> & Pick<BookingLine, 'kind' | 'bookingId'>): BookingLine => ({
    clickId: '01KA00000000000000000000C1', bookedDay: '2026-11-05', tripDate: '2026-11-12', payableFrom: '2026-11-26', valueCents: 20000, commissionCents: 2000, amountCents: 0,
    reversal: null, source: 'conversions/day=2026-11-05/a.gz', ...over,
  });
  // brew: 1 qualified x 0.50 + one booking paid (20.00 on 200.00) - an October booking clawed back (15.00) = 5.50 due.
  const brew: VendorStatement = {
    ...solare, code: 'brew' as VendorCode, name: 'Board & Brew', clicks: 1, qualifiedClicks: 1, rateCents: 50, earnedCents: 50, monthlyCapCents: null,
    bookings: 1, bookingValueCents: 20000, commissionCents: 2000, clawbackCents: 1500, carriedInCents: 0, dueCents: 550, minimumPayoutCents: 0, amountCents: 550, carriedForwardCents: 0,
    days: days(november, { [day(5)]: [1, 1] }),
    qualified: [{ clickId: '01KA00000000000000000000C1', day: day(5), ts: '2026-11-05T18:00:00.000Z' }],
    bookingLines: [
      bookingLine({ kind: 'paid', bookingId: 'BK-1', amountCents: 2000 }),
      bookingLine({ kind: 'held', bookingId: 'BK-2', bookedDay: '2026-11-20', tripDate: '2027-01-10', payableFrom: '2027-01-24', valueCents: 10000, commissionCents: 1000 }),
      bookingLine({ kind: 'reversed-before-payment', bookingId: 'BK-3', valueCents: 5000, commissionCents: 500, reversal: { status: 'cancelled', day: '2026-11-25', source: 'conversions/day=2026-11-25/r.gz' } }),
      bookingLine({ kind: 'clawback', bookingId: 'BK-<4>', bookedDay: '2026-10-02', tripDate: '2026-10-09', payableFrom: '2026-10-23', valueCents: 15000, commissionCents: 1500, amountCents: -1500, reversal: { status: 'refunded', day: '2026-11-15', source: 'conversions/day=2026-11-15/r.gz' } }),
    ],
  };
  // owed: no clicks, a 30.00 clawback and 2 bookings paid for 10.00: owes 20.00 back, taken from next month.
  const owed: VendorStatement = {
    ...solare, code: 'owed' as VendorCode, name: 'Owed', monthlyCapCents: null, bookings: 2, bookingValueCents: 10000, commissionCents: 1000, clawbackCents: 3000,
    dueCents: -2000, amountCents: 0, carriedForwardCents: -2000,
    bookingLines: [
      bookingLine({ kind: 'paid', bookingId: 'BK-5', valueCents: 5000, commissionCents: 500, amountCents: 500 }),
      bookingLine({ kind: 'paid', bookingId: 'BK-6', valueCents: 5000, commissionCents: 500, amountCents: 500 }),
      bookingLine({ kind: 'clawback', bookingId: 'BK-7', bookedDay: '2026-09-30', valueCents: 30000, commissionCents: 3000, amountCents: -3000, reversal: { status: 'cancelled', day: '2026-11-02', source: 'x.gz' } }),
    ],
  };
  // idle: a commission rule but no booking this month: its bookings file is the header alone.
  const idle: VendorStatement = { ...solare, code: 'idle' as VendorCode, name: 'Idle', monthlyCapCents: null };
  const bookingRules: PayoutRules = {
    currency: 'USD',
    vendors: new Map([
      ['brew' as VendorCode, { rateCents: 50, monthlyCapCents: null, minimumPayoutCents: 0, commission }],
      ['idle' as VendorCode, { rateCents: 125, monthlyCapCents: null, minimumPayoutCents: 0, commission: { flatCents: 700, basisPoints: null, holdDays: null } }],
      ['owed' as VendorCode, { rateCents: 125, monthlyCapCents: null, minimumPayoutCents: 0, commission }],
    ]),
  };
  const bookingRun = (over: Partial<PayoutRun> = {}) => run({ vendors: [brew, idle, owed], ...over });
  const files = (over: Partial<PayoutRun> = {}, metaOver: Partial<PayoutMeta> = {}) => renderPayoutFiles(bookingRun(over), meta({ rules: bookingRules, carryIn: null, ...metaOver }));

  it('a bookings file for every vendor with booking lines or a commission rule, and none for the others', () => {
    const noRule = { ...owed, code: 'norule' as VendorCode, bookingLines: [] };
    const ruleless: PayoutRules = { currency: 'USD', vendors: new Map([['owed' as VendorCode, { rateCents: 1, monthlyCapCents: null, minimumPayoutCents: 0, commission: null }]]) };
    // owed has lines but (here) no rule; norule has neither a line nor a rule.
    expect([...renderPayoutFiles(run({ vendors: [owed, noRule] }), meta({ rules: ruleless })).keys()]).toEqual([
      'statements.csv', 'bookings/owed.csv', 'audit/owed.csv', 'statements/owed.html', 'audit/norule.csv', 'statements/norule.html', 'summary.json',
    ]);
    expect([...files().keys()].filter((k) => k.startsWith('bookings/'))).toEqual(['bookings/brew.csv', 'bookings/idle.csv', 'bookings/owed.csv']);
  });

  it('bookings/<vendor>.csv: every line with its click, days, amounts, reversal and export objects', () => {
    const f = files();
    expect(f.get('bookings/brew.csv')).toBe(
      [
        'booking_id,line,click_id,booked_day,trip_date,payable_from,value,commission,amount,reversal,reversal_day,export_object,reversal_export_object',
        'BK-1,paid,01KA00000000000000000000C1,2026-11-05,2026-11-12,2026-11-26,200.00,20.00,20.00,,,conversions/day=2026-11-05/a.gz,',
        'BK-2,held,01KA00000000000000000000C1,2026-11-20,2027-01-10,2027-01-24,100.00,10.00,0.00,,,conversions/day=2026-11-05/a.gz,',
        'BK-3,reversed-before-payment,01KA00000000000000000000C1,2026-11-05,2026-11-12,2026-11-26,50.00,5.00,0.00,cancelled,2026-11-25,conversions/day=2026-11-05/a.gz,conversions/day=2026-11-25/r.gz',
        'BK-<4>,clawback,01KA00000000000000000000C1,2026-10-02,2026-10-09,2026-10-23,150.00,15.00,-15.00,refunded,2026-11-15,conversions/day=2026-11-05/a.gz,conversions/day=2026-11-15/r.gz',
        '',
      ].join('\n'),
    );
    expect(f.get('bookings/idle.csv')).toBe('booking_id,line,click_id,booked_day,trip_date,payable_from,value,commission,amount,reversal,reversal_day,export_object,reversal_export_object\n');
  });

  it('statements.csv carries the booking columns', () => {
    expect(files().get('statements.csv')!.split('\n').slice(1)).toEqual([
      'brew,Board & Brew,2026-11,1,0,0,0,0,0,0,1,0.50,0.50,,false,1,200.00,20.00,15.00,0.00,0.00,5.50,0.00,USD',
      'idle,Idle,2026-11,0,0,0,0,0,0,0,0,1.25,0.00,,false,0,0.00,0.00,0.00,0.00,0.00,0.00,0.00,USD',
      'owed,Owed,2026-11,0,0,0,0,0,0,0,0,1.25,0.00,,false,2,100.00,10.00,30.00,0.00,0.00,0.00,-20.00,USD',
      '',
    ]);
  });

  it('the HTML statement: commission and clawback in the amount, and a table of every booking', () => {
    const html = files().get('statements/brew.html')!;
    expect(html).toContain(
      [
        '<h2>Amount</h2>',
        '<table>',
        '<tr><th scope="row">1 qualified clicks &times; 0.50 USD</th><td class="n">0.50 USD</td></tr>',
        '',
        '<tr><th scope="row">Commission on 1 booking (200.00 USD)</th><td class="n">20.00 USD</td></tr>',
        '<tr><th scope="row">Cancelled or refunded after they were paid (clawback)</th><td class="n">-15.00 USD</td></tr>',
        '<tr><th scope="row">Carried over from last month</th><td class="n">0.00 USD</td></tr>',
        '<tr><th scope="row">Due</th><td class="n">5.50 USD</td></tr>',
        '',
        '<tr class="total"><th scope="row">Paid this month</th><td class="n">5.50 USD</td></tr>',
        '',
        '</table>',
        '<h2>Bookings</h2>',
        '<table>',
        '<thead><tr><th scope="col">Booking</th><th scope="col">Booked</th><th scope="col">Status</th><th scope="col" class="n">Value</th><th scope="col" class="n">Commission</th></tr></thead>',
        '<tbody>',
        '<tr><td>BK-1</td><td>2026-11-05</td><td>paid</td><td class="n">200.00 USD</td><td class="n">20.00 USD</td></tr>',
        '<tr><td>BK-2</td><td>2026-11-20</td><td>held until the trip has passed</td><td class="n">100.00 USD</td><td class="n">0.00 USD</td></tr>',
        '<tr><td>BK-3</td><td>2026-11-05</td><td>cancelled before it was paid (cancelled 2026-11-25)</td><td class="n">50.00 USD</td><td class="n">0.00 USD</td></tr>',
        '<tr><td>BK-&lt;4&gt;</td><td>2026-10-02</td><td>cancelled after it was paid (taken back) (refunded 2026-11-15)</td><td class="n">150.00 USD</td><td class="n">-15.00 USD</td></tr>',
        '</tbody>',
        '</table>',
        '<p class="muted">Each booking is listed with the click it came from in bookings/brew.csv.</p>',
        '<h2>Days with clicks</h2>',
      ].join('\n'),
    );
  });

  it('a line kind the statement has no words for is shown as it is', () => {
    const odd = { ...brew, bookingLines: [bookingLine({ kind: 'disputed' as BookingLine['kind'], bookingId: 'BK-9' })] };
    expect(renderPayoutFiles(run({ vendors: [odd] }), meta({ rules: bookingRules })).get('statements/brew.html')).toContain('<tr><td>BK-9</td><td>2026-11-05</td><td>disputed</td>');
  });

  it('clawbacks above the month: "bookings" in the plural, and the amount owed back carried forward', () => {
    expect(tableRows(files().get('statements/owed.html')!).slice(8)).toEqual([
      ['0 qualified clicks &times; 1.25 USD', '0.00 USD'],
      ['Commission on 2 bookings (100.00 USD)', '10.00 USD'],
      ['Cancelled or refunded after they were paid (clawback)', '-30.00 USD'],
      ['Carried over from last month', '0.00 USD'],
      ['Due', '-20.00 USD'],
      ['.total', 'Paid this month', '0.00 USD'],
      ["Owed back, taken from next month (clawbacks above this month's earnings)", '-20.00 USD'],
      ['Booking', 'Booked', 'Status', 'Value', 'Commission'],
      ['BK-5', '2026-11-05', 'paid', '50.00 USD', '5.00 USD'],
      ['BK-6', '2026-11-05', 'paid', '50.00 USD', '5.00 USD'],
      ['BK-7', '2026-09-30', 'cancelled after it was paid (taken back) (cancelled 2026-11-02)', '300.00 USD', '-30.00 USD'],
    ]);
    // A vendor without booking lines has no bookings section at all.
    const idleHtml = files().get('statements/idle.html')!;
    expect(idleHtml).not.toContain('Bookings');
    expect(idleHtml).toContain('<tr class="total"><th scope="row">Paid this month</th><td class="n">0.00 USD</td></tr>\n\n</table>\n\n<h2>Days with clicks</h2>');
  });

  it('summary.json: the commission rules, bookings credited to nobody and bookings that could not be priced', () => {
    const unattributedBookings = [{ bookingId: 'BK-U', day: '2026-11-09', valueCents: 900, reason: 'no ref_cid', source: 'u.gz' }];
    const bookingProblems = [{ bookingId: 'BK-E', message: 'booking BK-E is in EUR, the rules in USD: not priced' }];
    const summary = JSON.parse(files({ unattributedBookings, bookingProblems }).get('summary.json')!);
    expect(summary.rules.vendors).toEqual({
      brew: { rateCents: 50, monthlyCapCents: null, minimumPayoutCents: 0, commission: { flatCents: null, basisPoints: 1000, holdDays: 14 } },
      idle: { rateCents: 125, monthlyCapCents: null, minimumPayoutCents: 0, commission: { flatCents: 700, basisPoints: null, holdDays: null } },
      owed: { rateCents: 125, monthlyCapCents: null, minimumPayoutCents: 0, commission: { flatCents: null, basisPoints: 1000, holdDays: 14 } },
    });
    expect(summary.unattributedBookings).toEqual(unattributedBookings);
    expect(summary.bookingProblems).toEqual(bookingProblems);
    // A booking that could not be priced makes the run a draft.
    expect(summary.complete).toBe(false);
    expect(files({ bookingProblems }).get('statements/brew.html')).toContain(
      '<strong>Draft, not for payment:</strong> 1 booking(s) could not be priced. The figures below may be incomplete.</p>',
    );
  });
});

describe('draft reasons', () => {
  it('every reason, in order, joined in one banner', () => {
    const incomplete = run({ unpriced: [{ code: 'zeta' as VendorCode, clicks: 1, qualifiedClicks: 0 }], bookingProblems: [{ bookingId: 'b', message: 'm' }, { bookingId: 'c', message: 'm' }] });
    const m = { problems: [{ key: 'a.gz', message: 'x' }], monthEnded: false };
    expect(draftReasons(incomplete, m)).toEqual([
      '2026-11 has not ended yet, so more clicks may come',
      '1 part(s) of the click export could not be read',
      '1 vendor(s) have no payout rule',
      '2 booking(s) could not be priced',
    ]);
    expect(draftReasons(run(), { problems: [], monthEnded: true })).toEqual([]);
    expect(renderPayoutFiles(incomplete, meta(m)).get('statements/lola.html')).toContain(
      '<strong>Draft, not for payment:</strong> 2026-11 has not ended yet, so more clicks may come; 1 part(s) of the click export could not be read; 1 vendor(s) have no payout rule; 2 booking(s) could not be priced. The figures below may be incomplete.</p>',
    );
  });

  it('isComplete is false while a booking could not be priced', () => {
    expect(isComplete(run({ bookingProblems: [{ bookingId: 'b', message: 'm' }] }), { problems: [], monthEnded: true })).toBe(false);
  });
});
