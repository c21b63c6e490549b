/**
 * The payout run as files: statements.csv, statements/<vendor>.html, audit/<vendor>.csv and
 * summary.json. Pure and deterministic: everything is sorted, amounts are integer cents
 * formatted by integer arithmetic, and no clock is read, so the same exports give
 * byte-identical files.
 */
import { escapeHtml } from '../outreach/html.ts';
import { csvLine } from './csv.ts';
import { formatCents } from './money.ts';
import type { PayoutRules } from './payout-rules.ts';
import { payoutTotals, type CarryIn, type PayoutRun, type VendorStatement } from './payouts.ts';

export interface InputObject {
  readonly key: string;
  readonly day: string;
  readonly size: number;
  readonly etag?: string | undefined;
  readonly sha256: string;
  readonly records: number;
}

export interface InputProblem {
  readonly key: string;
  readonly line?: number | undefined;
  readonly message: string;
}

export interface PayoutMeta {
  readonly timeZone: string;
  /** Who pays (the brand), as the vendor reads it on the statement. */
  readonly issuer: string;
  readonly rules: PayoutRules;
  readonly rulesSha256: string;
  readonly carryIn: CarryIn | null;
  /** Where the exports were read from, as given. */
  readonly source: string;
  readonly objects: readonly InputObject[];
  readonly problems: readonly InputProblem[];
  /** False while the month is still running in the business time zone: its clicks are not all in yet. */
  readonly monthEnded: boolean;
}

export const SUMMARY_SCHEMA = 'reftrack.payouts/1';

const STATEMENT_COLUMNS = [
  'vendor', 'name', 'month', 'clicks', 'bot_clicks', 'subresource_clicks', 'internal_clicks', 'suspicious_clicks', 'network_cap_clicks', 'duplicate_visitor_clicks', 'qualified_clicks',
  'rate', 'earned', 'monthly_cap', 'cap_applied', 'bookings', 'booking_value', 'commission', 'clawback', 'carried_in', 'minimum_payout', 'amount', 'carried_forward', 'currency',
];

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A run is complete when its month has ended, every input line was readable, every vendor with clicks has a rule and every booking could be priced. */
export function isComplete(run: PayoutRun, meta: Pick<PayoutMeta, 'problems' | 'monthEnded'>): boolean {
  return meta.monthEnded && meta.problems.length === 0 && run.unpriced.length === 0 && run.bookingProblems.length === 0;
}

/** Why a run is a draft, in words for the banner; empty when it is complete. */
export function draftReasons(run: PayoutRun, meta: Pick<PayoutMeta, 'problems' | 'monthEnded'>): string[] {
  return [
    ...(meta.monthEnded ? [] : [`${run.month.id} has not ended yet, so more clicks may come`]),
    ...(meta.problems.length ? [`${meta.problems.length} part(s) of the click export could not be read`] : []),
    ...(run.unpriced.length ? [`${run.unpriced.length} vendor(s) have no payout rule`] : []),
    ...(run.bookingProblems.length ? [`${run.bookingProblems.length} booking(s) could not be priced`] : []),
  ];
}

const BOOKING_COLUMNS = ['booking_id', 'line', 'click_id', 'booked_day', 'trip_date', 'payable_from', 'value', 'commission', 'amount', 'reversal', 'reversal_day', 'export_object', 'reversal_export_object'];

/** Every booking behind each cent of the statement, with its click and the export objects it came from. */
function bookingsCsv(v: VendorStatement): string {
  const money = (c: number) => formatCents(c);
  return (
    [
      csvLine(BOOKING_COLUMNS),
      ...v.bookingLines.map((l) =>
        csvLine([l.bookingId, l.kind, l.clickId, l.bookedDay, l.tripDate, l.payableFrom, money(l.valueCents), money(l.commissionCents), money(l.amountCents), l.reversal?.status ?? '', l.reversal?.day ?? '', l.source, l.reversal?.source ?? '']),
      ),
    ].join('\n') + '\n'
  );
}

export function renderPayoutFiles(run: PayoutRun, meta: PayoutMeta): Map<string, string> {
  const files = new Map<string, string>();
  const money = (c: number) => formatCents(c);
  files.set(
    'statements.csv',
    [
      csvLine(STATEMENT_COLUMNS),
      ...run.vendors.map((v) =>
        csvLine([
          v.code, v.name, run.month.id, v.clicks, v.botClicks, v.subresourceClicks, v.internalClicks, v.suspiciousClicks, v.networkCapClicks, v.duplicateVisitorClicks, v.qualifiedClicks,
          money(v.rateCents), money(v.earnedCents), v.monthlyCapCents === null ? '' : money(v.monthlyCapCents), v.capApplied,
          v.bookings, money(v.bookingValueCents), money(v.commissionCents), money(v.clawbackCents), money(v.carriedInCents), money(v.minimumPayoutCents), money(v.amountCents), money(v.carriedForwardCents), run.currency,
        ]),
      ),
    ].join('\n') + '\n',
  );
  for (const v of run.vendors) {
    if (v.bookingLines.length > 0 || meta.rules.vendors.get(v.code)?.commission) files.set(`bookings/${v.code}.csv`, bookingsCsv(v));
    files.set(`audit/${v.code}.csv`, [csvLine(['click_id', 'day', 'ts']), ...v.qualified.map((q) => csvLine([q.clickId, q.day, q.ts]))].join('\n') + '\n');
    files.set(`statements/${v.code}.html`, statementHtml(v, run, meta));
  }
  files.set('summary.json', `${JSON.stringify(summary(run, meta), null, 2)}\n`);
  return files;
}

function summary(run: PayoutRun, meta: PayoutMeta) {
  const totals = payoutTotals(run.vendors);
  return {
    schema: SUMMARY_SCHEMA,
    month: run.month.id,
    from: run.month.from,
    to: run.month.to,
    timeZone: meta.timeZone,
    currency: run.currency,
    complete: isComplete(run, meta),
    monthEnded: meta.monthEnded,
    rules: {
      sha256: meta.rulesSha256,
      vendors: Object.fromEntries([...meta.rules.vendors].map(([code, r]) => [code, { rateCents: r.rateCents, monthlyCapCents: r.monthlyCapCents, minimumPayoutCents: r.minimumPayoutCents, ...(r.commission ? { commission: r.commission } : {}) }])),
    },
    carryIn: meta.carryIn ? { month: meta.carryIn.month, sha256: meta.carryIn.sha256 } : null,
    inputs: {
      source: meta.source,
      objects: [...meta.objects]
        .sort((a, b) => byString(a.key, b.key))
        .map((o) => ({ key: o.key, day: o.day, size: o.size, ...(o.etag ? { etag: o.etag } : {}), sha256: o.sha256, records: o.records })),
    },
    lines: run.lines,
    qualificationRules: run.qualificationRules,
    problems: [...meta.problems]
      .sort((a, b) => byString(a.key, b.key) || (a.line ?? 0) - (b.line ?? 0) || byString(a.message, b.message))
      .map((p) => ({ key: p.key, ...(p.line !== undefined ? { line: p.line } : {}), message: p.message })),
    unpricedVendors: run.unpriced,
    unattributedBookings: run.unattributedBookings,
    bookingProblems: run.bookingProblems,
    vendors: run.vendors.map((v) => ({
      code: v.code,
      name: v.name,
      clicks: v.clicks,
      botClicks: v.botClicks,
      subresourceClicks: v.subresourceClicks,
      internalClicks: v.internalClicks,
      suspiciousClicks: v.suspiciousClicks,
      networkCapClicks: v.networkCapClicks,
      duplicateVisitorClicks: v.duplicateVisitorClicks,
      qualifiedClicks: v.qualifiedClicks,
      rateCents: v.rateCents,
      earnedCents: v.earnedCents,
      monthlyCapCents: v.monthlyCapCents,
      capApplied: v.capApplied,
      bookings: v.bookings,
      bookingValueCents: v.bookingValueCents,
      commissionCents: v.commissionCents,
      clawbackCents: v.clawbackCents,
      carriedInCents: v.carriedInCents,
      dueCents: v.dueCents,
      minimumPayoutCents: v.minimumPayoutCents,
      amountCents: v.amountCents,
      carriedForwardCents: v.carriedForwardCents,
      amount: formatCents(v.amountCents),
    })),
    totals: { ...totals, amount: formatCents(totals.amountCents), carriedForward: formatCents(totals.carriedForwardCents) },
  };
}

const BOOKING_KIND: Readonly<Record<string, string>> = {
  paid: 'paid',
  held: 'held until the trip has passed',
  'reversed-before-payment': 'cancelled before it was paid',
  clawback: 'cancelled after it was paid (taken back)',
};

function bookingsHtml(v: VendorStatement, m: (c: number) => string): string {
  if (v.bookingLines.length === 0) return '';
  const e = escapeHtml;
  const rows = v.bookingLines
    .map((l) => `<tr><td>${e(l.bookingId)}</td><td>${e(l.bookedDay)}</td><td>${e(BOOKING_KIND[l.kind] ?? l.kind)}${l.reversal ? ` (${e(l.reversal.status)} ${e(l.reversal.day)})` : ''}</td><td class="n">${m(l.valueCents)}</td><td class="n">${m(l.amountCents)}</td></tr>`)
    .join('\n');
  return `<h2>Bookings</h2>
<table>
<thead><tr><th scope="col">Booking</th><th scope="col">Booked</th><th scope="col">Status</th><th scope="col" class="n">Value</th><th scope="col" class="n">Commission</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p class="muted">Each booking is listed with the click it came from in bookings/${e(v.code)}.csv.</p>`;
}

function monthName(id: string): string {
  const [y, m] = id.split('-').map(Number) as [number, number];
  const names = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  return `${names[m - 1]} ${y}`;
}

function statementHtml(v: VendorStatement, run: PayoutRun, meta: PayoutMeta): string {
  const e = escapeHtml;
  const cur = e(run.currency);
  const m = (c: number) => `${formatCents(c)} ${cur}`;
  const title = `Referral statement: ${v.name}, ${monthName(run.month.id)}`;
  const draft = isComplete(run, meta)
    ? ''
    : `<p class="draft" role="alert"><strong>Draft, not for payment:</strong> ${e(draftReasons(run, meta).join('; '))}. The figures below may be incomplete.</p>`;
  const rows = v.days
    .filter((d) => d.clicks > 0)
    .map((d) => `<tr><td>${e(d.day)}</td><td class="n">${d.clicks}</td><td class="n">${d.qualifiedClicks}</td></tr>`)
    .join('\n');
  const line = (label: string, value: string, cls = '') => `<tr${cls ? ` class="${cls}"` : ''}><th scope="row">${label}</th><td class="n">${value}</td></tr>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<style>
body{font-family:system-ui,Helvetica,Arial,sans-serif;color:#1f2933;margin:24px auto;max-width:720px;padding:0 16px}
h1{font-size:1.4em;margin-bottom:4px}
table{border-collapse:collapse;width:100%;margin:12px 0}
th,td{border-bottom:1px solid #d9e2ec;padding:4px 8px;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.total th,tr.total td{font-weight:bold;border-top:2px solid #1f2933}
.draft{border:2px solid #b91c1c;color:#b91c1c;padding:8px}
.muted{color:#52606d;font-size:.9em}
@media print{body{margin:0;max-width:none}a{color:inherit;text-decoration:none}.draft{border-width:3px}}
@page{margin:18mm}
</style>
</head>
<body>
<main>
<h1>${e(title)}</h1>
<p class="muted">From ${e(meta.issuer)} to ${e(v.name)} (referral code <code>${e(v.code)}</code>). Business days ${e(run.month.from)} to ${e(run.month.to)}, ${e(meta.timeZone)}.</p>
${draft}
<h2>Clicks</h2>
<table>
${line('Clicks on your link', String(v.clicks))}
${line('Automated (bots, link previews, prefetches)', String(v.botClicks))}
${line('Loaded by a page, not clicked (images, frames, scripts)', String(v.subresourceClicks))}
${line('Our own staff', String(v.internalClicks))}
${line('Bursts from one network (more than the velocity limit in a minute)', String(v.suspiciousClicks))}
${line('Beyond the paid clicks allowed per network per day', String(v.networkCapClicks))}
${line('Repeat clicks by a guest already counted that day', String(v.duplicateVisitorClicks))}
${line('Qualified clicks (paid)', String(v.qualifiedClicks), 'total')}
</table>
<h2>Amount</h2>
<table>
${line(`${v.qualifiedClicks} qualified clicks &times; ${m(v.rateCents)}`, m(v.earnedCents))}
${v.monthlyCapCents === null ? '' : line(`Monthly cap${v.capApplied ? ' (applied)' : ''}`, m(v.monthlyCapCents))}
${v.bookingLines.length === 0 ? '' : `${line(`Commission on ${v.bookings} booking${v.bookings === 1 ? '' : 's'} (${m(v.bookingValueCents)})`, m(v.commissionCents))}\n`}${v.clawbackCents === 0 ? '' : `${line('Cancelled or refunded after they were paid (clawback)', `-${m(v.clawbackCents)}`)}\n`}${line('Carried over from last month', m(v.carriedInCents))}
${line('Due', m(v.dueCents))}
${v.minimumPayoutCents > 0 ? line('Minimum payout', m(v.minimumPayoutCents)) : ''}
${line('Paid this month', m(v.amountCents), 'total')}
${v.carriedForwardCents > 0 ? line('Carried forward to next month (below the minimum)', m(v.carriedForwardCents)) : ''}
${v.carriedForwardCents < 0 ? `${line('Owed back, taken from next month (clawbacks above this month\'s earnings)', m(v.carriedForwardCents))}\n` : ''}</table>
${bookingsHtml(v, m)}
<h2>Days with clicks</h2>
${rows ? `<table>\n<thead><tr><th scope="col">Day</th><th scope="col" class="n">Clicks</th><th scope="col" class="n">Qualified</th></tr></thead>\n<tbody>\n${rows}\n</tbody>\n</table>` : '<p>No clicks this month.</p>'}
<p class="muted">A qualified click is the first click of a guest (a person, not our staff, not in a burst) on your link on a business day, and at most a few per network per day (${e(run.qualificationRules)}). Every qualified click is listed by id in the audit file for this statement; the figures are computed from the click export, rules ${e(meta.rulesSha256.slice(0, 12))}.</p>
</main>
</body>
</html>
`;
}
