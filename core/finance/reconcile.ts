/**
 * Our qualified clicks against GA4 sessions, per vendor per business day. GA4 never matches
 * exactly (it sees only guests whose browser runs its tag and who allow analytics; it splits
 * and merges sessions differently), so each vendor-day gets a flag with the most likely reason
 * instead of a pass/fail. When GA4 has the `ref_cid` dimension, sessions are matched to click
 * ids exactly.
 */
import type { BusinessDay } from '../business-day.ts';
import type { RollupFigures } from '../rollup.ts';
import { csvLine } from './csv.ts';
import { attribute, type Ga4Row } from './ga4.ts';

export type ReconcileFlag = 'ok' | 'seed-preset-unassigned' | 'missing-in-ga4' | 'ga4-low' | 'ga4-high' | 'ga4-only' | 'no-activity';

export interface ClickSide {
  /** Per vendor-day (`vendor|day`): the rollup figures (from the exports, or the live rollups). */
  readonly vendorDays: ReadonlyMap<string, RollupFigures>;
  /** Qualified click ids per vendor-day; absent when read from rollups (no ids there). */
  readonly qualifiedIds?: ReadonlyMap<string, readonly string[]>;
}

export interface ReconcileRow {
  readonly vendor: string;
  readonly day: BusinessDay;
  readonly qualifiedClicks: number;
  readonly botClicks: number;
  /** Human clicks that did not qualify (staff, repeat clicks). */
  readonly otherHumanClicks: number;
  readonly ga4Sessions: number;
  /** Sessions that reached GA4 tagged the seed way (source=referral, medium=<code>). */
  readonly seedPresetSessions: number;
  /** GA4 sessions / qualified clicks, two decimals; null when there were no qualified clicks. */
  readonly ratio: string | null;
  /** Qualified click ids of this vendor-day seen as ref_cid in GA4; null without ref_cid data. */
  readonly matchedClickIds: number | null;
  readonly flag: ReconcileFlag;
  readonly reason: string;
}

/** Within ±30 % (or ±2 sessions on small days) GA4 and our counts are called consistent. */
const TOLERANCE_PERCENT = 30;
const TOLERANCE_ABSOLUTE = 2;

/** sessions/qualified as "0.85", by integer arithmetic (half up). */
export function ratioText(sessions: number, qualified: number): string | null {
  if (qualified === 0) return null;
  const hundredths = Math.floor((sessions * 200 + qualified) / (2 * qualified));
  return `${Math.trunc(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;
}

function judge(r: Omit<ReconcileRow, 'flag' | 'reason'>): { flag: ReconcileFlag; reason: string } {
  const q = r.qualifiedClicks;
  const s = r.ga4Sessions;
  if (r.seedPresetSessions > 0) {
    return { flag: 'seed-preset-unassigned', reason: `${r.seedPresetSessions} GA4 sessions arrived as source=referral / medium=${r.vendor} (the seed UTM preset); GA4's default channel grouping files them under "Unassigned". Set UTM_PRESET=ga4` };
  }
  if (q === 0 && s === 0) return { flag: 'no-activity', reason: '' };
  if (q > 0 && s === 0) return { flag: 'missing-in-ga4', reason: 'no GA4 session: guests declined the consent banner or block analytics (ad blockers), or the GA4 tag is missing on the landing page' };
  if (q === 0) return { flag: 'ga4-only', reason: `GA4 sessions without a qualified click: bots GA4 did not filter (${r.botClicks} bot clicks here), staff or repeat visits (${r.otherHumanClicks}), or a copied or bookmarked tagged URL` };
  const diff = s - q;
  if (Math.abs(diff) <= TOLERANCE_ABSOLUTE || Math.abs(diff) * 100 <= q * TOLERANCE_PERCENT) return { flag: 'ok', reason: '' };
  if (diff < 0) return { flag: 'ga4-low', reason: 'fewer GA4 sessions than qualified clicks: consent banners and ad blockers keep guests out of GA4' };
  return {
    flag: 'ga4-high',
    reason: `more GA4 sessions than qualified clicks: GA4 counts visits we do not pay (${r.botClicks} bot clicks, ${r.otherHumanClicks} staff or repeat clicks) and splits a guest's visit into several sessions`,
  };
}

export interface Reconciliation {
  readonly rows: ReconcileRow[];
  readonly hasRefCid: boolean;
  /** GA4 sessions attributed to no vendor in the range (other traffic), and rows outside the range. */
  readonly unattributedSessions: number;
  readonly outsideRangeRows: number;
  /** ref_cid values that are no qualified click of the range (a bot, staff or repeat click, or unknown). */
  readonly unmatchedRefCids: number;
}

export function reconcile(input: { days: readonly BusinessDay[]; vendors: ReadonlySet<string>; clicks: ClickSide; ga4: readonly Ga4Row[]; hasRefCid: boolean }): Reconciliation {
  const inRange = new Set<string>(input.days);
  const sessions = new Map<string, { total: number; seed: number }>();
  const refCids = new Set<string>();
  let unattributedSessions = 0;
  let outsideRangeRows = 0;
  for (const row of input.ga4) {
    if (!inRange.has(row.day)) {
      outsideRangeRows++;
      continue;
    }
    if (row.refCid) refCids.add(row.refCid);
    const who = attribute(row, input.vendors);
    if (!who) {
      unattributedSessions += row.sessions;
      continue;
    }
    const key = `${who.vendor}|${row.day}`;
    const s = sessions.get(key) ?? { total: 0, seed: 0 };
    s.total += row.sessions;
    if (who.via === 'seed-preset') s.seed += row.sessions;
    sessions.set(key, s);
  }

  const allQualified = new Set<string>();
  for (const ids of input.clicks.qualifiedIds?.values() ?? []) for (const id of ids) allQualified.add(id);

  const rows: ReconcileRow[] = [];
  for (const vendor of [...input.vendors].sort()) {
    for (const day of input.days) {
      const key = `${vendor}|${day}`;
      const f = input.clicks.vendorDays.get(key);
      const s = sessions.get(key) ?? { total: 0, seed: 0 };
      const q = f?.qualifiedClicks ?? 0;
      if (q === 0 && s.total === 0) continue;
      const ids = input.clicks.qualifiedIds?.get(key);
      const base = {
        vendor,
        day,
        qualifiedClicks: q,
        botClicks: f?.botClicks ?? 0,
        otherHumanClicks: (f?.humanClicks ?? 0) - q,
        ga4Sessions: s.total,
        seedPresetSessions: s.seed,
        ratio: ratioText(s.total, q),
        matchedClickIds: input.hasRefCid && input.clicks.qualifiedIds ? (ids ?? []).filter((id) => refCids.has(id)).length : null,
      };
      rows.push({ ...base, ...judge(base) });
    }
  }
  return { rows, hasRefCid: input.hasRefCid, unattributedSessions, outsideRangeRows, unmatchedRefCids: [...refCids].filter((id) => !allQualified.has(id)).length };
}

export const RECONCILE_COLUMNS = ['vendor', 'day', 'qualified_clicks', 'ga4_sessions', 'ratio', 'matched_click_ids', 'bot_clicks', 'other_human_clicks', 'seed_preset_sessions', 'flag', 'likely_reason'];

export function reconcileCsv(r: Reconciliation): string {
  return (
    [
      csvLine(RECONCILE_COLUMNS),
      ...r.rows.map((x) => csvLine([x.vendor, x.day, x.qualifiedClicks, x.ga4Sessions, x.ratio ?? '', x.matchedClickIds ?? '', x.botClicks, x.otherHumanClicks, x.seedPresetSessions, x.flag, x.reason])),
    ].join('\n') + '\n'
  );
}

/** The readable summary: totals, then every flagged vendor-day. */
export function reconcileSummary(r: Reconciliation, range: { from: string; to: string; timeZone: string; clicksFrom: string }): string {
  const sum = (f: (x: ReconcileRow) => number) => r.rows.reduce((a, x) => a + f(x), 0);
  const q = sum((x) => x.qualifiedClicks);
  const s = sum((x) => x.ga4Sessions);
  const matched = sum((x) => x.matchedClickIds ?? 0);
  const flagged = r.rows.filter((x) => x.flag !== 'ok' && x.flag !== 'no-activity');
  const counts = new Map<string, number>();
  for (const x of flagged) counts.set(x.flag, (counts.get(x.flag) ?? 0) + 1);
  const out = [
    `GA4 reconciliation, ${range.from} to ${range.to} (our business days in ${range.timeZone}; GA4 dates are in the property's time zone)`,
    `clicks from: ${range.clicksFrom}`,
    `qualified clicks ${q}, GA4 sessions ${s}, ratio ${ratioText(s, q) ?? '-'}`,
    r.hasRefCid ? (matched || q ? `matched by ref_cid: ${matched} of ${q} qualified clicks; ${r.unmatchedRefCids} ref_cid values are no qualified click` : '') : 'no ref_cid column in the GA4 export: sessions compared by count only',
    `GA4 sessions from other sources: ${r.unattributedSessions}${r.outsideRangeRows ? `; ${r.outsideRangeRows} GA4 rows outside the range ignored` : ''}`,
    flagged.length === 0 ? 'every vendor-day within tolerance' : `${flagged.length} vendor-days flagged (${[...counts].map(([f, n]) => `${f}: ${n}`).join(', ')}):`,
    ...flagged.map((x) => `  ${x.vendor.padEnd(12)} ${x.day}  clicks ${String(x.qualifiedClicks).padStart(5)}  GA4 ${String(x.ga4Sessions).padStart(5)}  ${x.flag}: ${x.reason}`),
  ];
  return out.filter((l) => l !== '').join('\n');
}
