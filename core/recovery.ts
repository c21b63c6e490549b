import { ClickEvent } from './click-event.ts';

/** The log message the redirect writes when neither the event log nor the spill took a click. */
export const UNRECORDED_MESSAGE = 'click-unrecorded';

export type RecoveredLine =
  | { readonly kind: 'event'; readonly event: ClickEvent }
  /** Any other log line: not ours to recover. */
  | { readonly kind: 'other' }
  | { readonly kind: 'invalid'; readonly reason: string };

/**
 * One log line -> the click it carries, if it is an unrecorded-click line. Accepts raw
 * Powertools JSON lines and CloudWatch exports that put a timestamp/request id before the JSON.
 */
export function parseUnrecordedLine(line: string): RecoveredLine {
  const start = line.indexOf('{');
  if (start < 0 || !line.includes(UNRECORDED_MESSAGE)) return { kind: 'other' };
  let json: unknown;
  try {
    json = JSON.parse(line.slice(start));
  } catch {
    return { kind: 'invalid', reason: 'not valid JSON' };
  }
  if (typeof json !== 'object' || json === null || (json as { message?: unknown }).message !== UNRECORDED_MESSAGE) return { kind: 'other' };
  const parsed = ClickEvent.safeParse((json as { clickEvent?: unknown }).clickEvent);
  if (!parsed.success) return { kind: 'invalid', reason: `clickEvent is not a valid click event: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}` };
  return { kind: 'event', event: parsed.data };
}
