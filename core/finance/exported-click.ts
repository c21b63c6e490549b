/**
 * From an export line (schema `reftrack.click/1`, core/export-record.ts) back to a ClickEvent,
 * so payouts and reconciliation reuse the rollup definitions of core/rollup.ts (qualifying,
 * first click per visitor per day) instead of re-implementing them.
 */
import type { ClickEvent } from '../click-event.ts';
import type { ExportRecord } from '../export-record.ts';

/** An export line as the readers return it (schema `reftrack.click/1`). */
export type ExportedClick = ExportRecord;

/** The export line is a lossless flattening of the event, so this is its exact inverse. */
export function clickEventOf(r: ExportedClick): ClickEvent {
  return {
    schemaVersion: 1,
    clickId: r.clickId,
    vendorCode: r.vendorCode,
    vendorName: r.vendorName,
    ts: r.ts,
    day: r.day,
    visitorHash: r.visitorHash,
    bot: { isBot: r.isBot, reason: r.botReason, ruleVersion: r.botRuleVersion },
    ...(r.networkHash === undefined ? {} : { networkHash: r.networkHash }),
    ...(r.fetchMode === undefined ? {} : { fetch: fetchOf(r) }),
    internal: r.internal,
    userAgent: r.userAgent,
    refererHost: r.refererHost,
    country: r.country,
    placement: r.placement,
    destination: r.destination,
  };
}

/** A line written with fetch metadata of all-null and no user gesture stood for `fetch: null`. */
function fetchOf(r: ExportedClick): ClickEvent['fetch'] {
  const meta = { mode: r.fetchMode ?? null, dest: r.fetchDest ?? null, site: r.fetchSite ?? null, user: r.fetchUser ?? false };
  return meta.mode === null && meta.dest === null && meta.site === null && !meta.user ? null : meta;
}
