/**
 * The fields of an export line (schema `reftrack.click/1`, core/export-record.ts) that payouts
 * and reconciliation read, and the way back to a ClickEvent so the rollup definitions in
 * core/rollup.ts (qualifying, first click per visitor per day) are reused, not re-implemented.
 */
import type { ClickEvent } from '../click-event.ts';
import type { VendorCode } from '../vendor-code.ts';

export interface ExportedClick {
  readonly clickId: string;
  readonly vendorCode: VendorCode;
  readonly vendorName: string;
  readonly ts: string;
  readonly day: string;
  readonly visitorHash: string;
  readonly isBot: boolean;
  readonly botReason: ClickEvent['bot']['reason'];
  readonly botRuleVersion: number;
  readonly internal: boolean;
  readonly userAgent: string;
  readonly refererHost: string | null;
  readonly country: string | null;
  readonly placement: string | null;
  readonly destination: string;
}

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
    internal: r.internal,
    userAgent: r.userAgent,
    refererHost: r.refererHost,
    country: r.country,
    placement: r.placement,
    destination: r.destination,
  };
}
