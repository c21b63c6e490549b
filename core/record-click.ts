import { businessDay } from './business-day.ts';
import { classifyBot } from './bot.ts';
import { USER_AGENT_MAX, type ClickEvent, type FetchMetadata } from './click-event.ts';
import { buildDestination, clickDestination, sanitizeToken, type UtmPreset } from './destination.ts';
import { MalformedVendorCodeError, ReftrackError } from './errors.ts';
import { isInternal, type CidrList } from './internal-traffic.ts';
import type { ClickLog, ClickSpill, Clock, IdGenerator, VendorDirectory } from './ports.ts';
import { stripControls } from './untrusted-text.ts';
import { parseVendorCode } from './vendor-code.ts';
import { networkHash, visitorHash } from './visitor.ts';

export interface RedirectSettings {
  readonly defaultDestination: string;
  readonly fallbackUrl: string;
  readonly timeZone: string;
  readonly utmPreset: UtmPreset;
  readonly visitorHashKey: string;
  readonly internalRanges: CidrList;
  /** How long the guest may wait on the event log before the click is spilled instead. */
  readonly writeBudgetMs: number;
}

export interface RedirectDeps {
  readonly vendors: VendorDirectory;
  readonly clicks: ClickLog;
  /** Absent: a failed append is only logged (`unrecorded`). */
  readonly spill?: ClickSpill;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly settings: RedirectSettings;
}

/** What arrived, already taken apart by the HTTP layer; every field is untrusted. */
export interface ClickRequest {
  readonly rawCode: string;
  readonly method: 'GET' | 'HEAD';
  readonly ip: string | undefined;
  readonly userAgent: string | undefined;
  readonly referer: string | undefined;
  readonly purpose: string | undefined;
  /** Sec-Fetch-Mode / -Dest / -Site / -User as sent (undefined when absent). */
  readonly fetchMode?: string | undefined;
  readonly fetchDest?: string | undefined;
  readonly fetchSite?: string | undefined;
  readonly fetchUser?: string | undefined;
  readonly country: string | undefined;
  readonly utmContent: string | undefined;
  readonly utmTerm: string | undefined;
  /** `?preview=vendor`: the vendor opening their own link from the outreach e-mail. */
  readonly vendorPreview?: boolean;
}

export type OrphanReason = 'malformed' | 'unknown' | 'paused' | 'vendors-unavailable';

/** Every outcome is a redirect: a guest never sees an error page. */
export type RedirectOutcome =
  | { readonly kind: 'recorded'; readonly location: string; readonly event: ClickEvent }
  /** HEAD (link checkers), or the vendor's own preview: redirected, never counted. */
  | { readonly kind: 'not-counted'; readonly location: string; readonly reason: 'head' | 'vendor-preview' }
  /** Malformed, unknown or paused code: sent to the fallback, no event. */
  | { readonly kind: 'orphan'; readonly location: string; readonly reason: OrphanReason; readonly cause?: unknown }
  /** The event log was slow or failing; the event went to the spill stream and will be drained into the log. */
  | { readonly kind: 'spilled'; readonly location: string; readonly event: ClickEvent; readonly cause: unknown }
  /** Neither the log nor the spill took it: the guest still goes on; the event must be recovered from the log line. */
  | { readonly kind: 'unrecorded'; readonly location: string; readonly event: ClickEvent; readonly cause: unknown };

export async function recordClick(req: ClickRequest, deps: RedirectDeps): Promise<RedirectOutcome> {
  const { settings } = deps;

  let code;
  try {
    code = parseVendorCode(req.rawCode);
  } catch (error) {
    if (error instanceof MalformedVendorCodeError) return orphan(settings, 'malformed');
    throw error;
  }

  let vendor;
  try {
    vendor = await deps.vendors.find(code);
  } catch (error) {
    if (error instanceof ReftrackError) return orphan(settings, 'vendors-unavailable', error);
    throw error;
  }
  if (!vendor) return orphan(settings, 'unknown');
  if (vendor.status === 'paused') return orphan(settings, 'paused');

  const placement = sanitizeToken(req.utmContent);
  const term = sanitizeToken(req.utmTerm);

  if (req.method === 'HEAD' || req.vendorPreview) {
    const location = buildDestination({ vendor, defaultDestination: settings.defaultDestination, preset: settings.utmPreset, placement, term, clickId: null });
    return { kind: 'not-counted', location, reason: req.method === 'HEAD' ? 'head' : 'vendor-preview' };
  }

  const at = deps.clock.now();
  const day = businessDay(at, settings.timeZone);
  // Stored and later printed (clicks, exports cat): no control or bidi character survives.
  const userAgent = stripControls(req.userAgent ?? '').slice(0, USER_AGENT_MAX);
  const clickId = deps.ids.clickId(at);
  const fetch = fetchMetadata(req);
  const event: ClickEvent = {
    schemaVersion: 1,
    clickId,
    vendorCode: vendor.code,
    vendorName: vendor.name,
    ts: at.toISOString(),
    day,
    visitorHash: visitorHash(settings.visitorHashKey, req.ip ?? 'unknown', userAgent, day),
    networkHash: networkHash(settings.visitorHashKey, req.ip, day),
    fetch,
    bot: classifyBot({ userAgent: req.userAgent, purpose: req.purpose, fetch }),
    internal: isInternal(req.ip, settings.internalRanges),
    userAgent,
    refererHost: refererHost(req.referer),
    country: req.country && /^[A-Za-z]{2}$/.test(req.country) ? req.country.toUpperCase() : null,
    placement,
    destination: clickDestination({ vendor, defaultDestination: settings.defaultDestination, preset: settings.utmPreset, placement, term, clickId }),
  };

  const appendError = await appendWithinBudget(deps.clicks, event, settings.writeBudgetMs);
  if (appendError === undefined) return { kind: 'recorded', location: event.destination, event };
  if (!deps.spill) return { kind: 'unrecorded', location: event.destination, event, cause: appendError };
  try {
    await deps.spill.spill(event);
    return { kind: 'spilled', location: event.destination, event, cause: appendError };
  } catch (error) {
    if (error instanceof ReftrackError) return { kind: 'unrecorded', location: event.destination, event, cause: error };
    throw error;
  }
}

function orphan(settings: RedirectSettings, reason: OrphanReason, cause?: unknown): RedirectOutcome {
  return { kind: 'orphan', location: settings.fallbackUrl, reason, cause };
}

/** Raised in place of an append that has not finished within the write budget. */
export class WriteBudgetExceededError extends ReftrackError {}

/**
 * Resolves undefined once the append succeeds, or with the reason it did not within `budgetMs`.
 * A timed-out append is left running: if it lands too, the drain's conditional append of the
 * spilled copy finds it present, so the click is still stored once.
 */
async function appendWithinBudget(log: ClickLog, event: ClickEvent, budgetMs: number): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const append = log.append(event).then(
    () => undefined,
    (error: unknown) => {
      if (error instanceof ReftrackError) return error;
      throw error;
    },
  );
  const budget = new Promise<WriteBudgetExceededError>((resolve) => {
    timer = setTimeout(() => resolve(new WriteBudgetExceededError(`event log took longer than ${budgetMs} ms`)), budgetMs);
  });
  try {
    return await Promise.race([append, budget]);
  } finally {
    clearTimeout(timer);
  }
}

/** Sec-Fetch-* tokens as stored: lower-case `[a-z0-9-]`, at most 32 characters, anything else dropped. */
function fetchMetadata(req: ClickRequest): FetchMetadata | null {
  if (req.fetchMode === undefined && req.fetchDest === undefined && req.fetchSite === undefined && req.fetchUser === undefined) return null;
  const meta = { mode: fetchToken(req.fetchMode), dest: fetchToken(req.fetchDest), site: fetchToken(req.fetchSite), user: req.fetchUser?.trim() === '?1' };
  return meta.mode === null && meta.dest === null && meta.site === null && !meta.user ? null : meta;
}

function fetchToken(v: string | undefined): string | null {
  return v !== undefined && /^[a-z0-9-]{1,32}$/i.test(v.trim()) ? v.trim().toLowerCase() : null;
}

function refererHost(referer: string | undefined): string | null {
  if (!referer) return null;
  try {
    const host = new URL(referer).hostname;
    return /^[a-z0-9.-]{1,253}$/i.test(host) ? host.toLowerCase() : null;
  } catch {
    return null;
  }
}
