/**
 * Export schema v1: the line format finance and analysts read from S3 (one JSON object per
 * line, gzip, partitioned by business day). Writers and readers both use this file, so the
 * format is defined once.
 *
 * Compatibility rule: within `reftrack.click/1` fields are only ever ADDED (readers ignore
 * unknown fields); renaming, removing or retyping a field means `reftrack.click/2`.
 *
 * Delivery is at least once (stream redelivery, Firehose retries), so the same click can
 * appear in more than one line. Every reader dedupes on `clickId` (see `dedupeByClickId`).
 */
import './validation.ts';
import * as z from 'zod/mini';
import { ClickEvent, FetchMetadata } from './click-event.ts';
import { ValidationError } from './errors.ts';

export const EXPORT_SCHEMA = 'reftrack.click/1';

const bot = ClickEvent.shape.bot.shape;

export const ExportRecord = z.object({
  schema: z.literal(EXPORT_SCHEMA),
  /** `click`; conversion lines (`reftrack.conversion/1`, core/conversion-export.ts) share the partitions. Absent on lines written before bookings. */
  type: z.optional(z.literal('click')),
  clickId: ClickEvent.shape.clickId,
  vendorCode: ClickEvent.shape.vendorCode,
  vendorName: ClickEvent.shape.vendorName,
  ts: ClickEvent.shape.ts,
  day: ClickEvent.shape.day,
  visitorHash: ClickEvent.shape.visitorHash,
  isBot: bot.isBot,
  botReason: bot.reason,
  botRuleVersion: bot.ruleVersion,
  /** Added in bot rule version 2 (absent on older lines): the per-network rules' unit. */
  networkHash: ClickEvent.shape.networkHash,
  /** Added in bot rule version 2: Sec-Fetch-Mode / -Dest / -Site / -User, flattened (null: not sent). */
  fetchMode: z.optional(FetchMetadata.shape.mode),
  fetchDest: z.optional(FetchMetadata.shape.dest),
  fetchSite: z.optional(FetchMetadata.shape.site),
  fetchUser: z.optional(FetchMetadata.shape.user),
  internal: ClickEvent.shape.internal,
  userAgent: ClickEvent.shape.userAgent,
  refererHost: ClickEvent.shape.refererHost,
  country: ClickEvent.shape.country,
  placement: ClickEvent.shape.placement,
  destination: ClickEvent.shape.destination,
});
export type ExportRecord = z.infer<typeof ExportRecord>;

/** A line of an export object that is not a valid v1 record. */
export class MalformedExportLineError extends ValidationError {}

/** The bot verdict is flattened so SQL engines (Athena) see plain columns. */
export function toExportRecord(event: ClickEvent): ExportRecord {
  return {
    schema: EXPORT_SCHEMA,
    type: 'click',
    clickId: event.clickId,
    vendorCode: event.vendorCode,
    vendorName: event.vendorName,
    ts: event.ts,
    day: event.day,
    visitorHash: event.visitorHash,
    isBot: event.bot.isBot,
    botReason: event.bot.reason,
    botRuleVersion: event.bot.ruleVersion,
    ...(event.networkHash === undefined ? {} : { networkHash: event.networkHash }),
    ...(event.fetch === undefined
      ? {}
      : { fetchMode: event.fetch?.mode ?? null, fetchDest: event.fetch?.dest ?? null, fetchSite: event.fetch?.site ?? null, fetchUser: event.fetch?.user ?? false }),
    internal: event.internal,
    userAgent: event.userAgent,
    refererHost: event.refererHost,
    country: event.country,
    placement: event.placement,
    destination: event.destination,
  };
}

/**
 * The record as Firehose receives it: JSON plus '\n'. The producer terminates each line
 * because the delivery stream concatenates records as they are (EXPORT_DELIVERY.appendDelimiter).
 */
export function toExportLine(event: ClickEvent): string {
  return `${JSON.stringify(toExportRecord(event))}\n`;
}

/** Parses one line (without its newline); throws MalformedExportLineError saying what is wrong. */
export function parseExportLine(line: string): ExportRecord {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (cause) {
    throw new MalformedExportLineError(`not JSON: ${(cause as Error).message}`, { cause });
  }
  const result = ExportRecord.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues;
    const shown = issues.slice(0, 3).map((i) => `${i.path.join('.') || '(line)'}: ${i.message}`);
    throw new MalformedExportLineError(`${shown.join('; ')}${issues.length > 3 ? ` (and ${issues.length - 3} more)` : ''}`);
  }
  return result.data;
}

/** The dedupe rule every reader applies: the first line seen for a clickId wins; later copies are the same click. */
export function dedupeByClickId<T extends { clickId: string }>(records: Iterable<T>): T[] {
  const seen = new Set<string>();
  const unique: T[] = [];
  for (const record of records) {
    if (seen.has(record.clickId)) continue;
    seen.add(record.clickId);
    unique.push(record);
  }
  return unique;
}
