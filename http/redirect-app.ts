import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { ORIGIN_VERIFY_HEADER, viewerAddress } from '../core/cloudfront-viewer.ts';
import { recordClick, type RedirectDeps, type RedirectOutcome } from '../core/record-click.ts';
import { VENDOR_PREVIEW } from '../core/outreach/links.ts';
import { describeUntrusted } from '../core/vendor-code.ts';
import { UNRECORDED_MESSAGE } from '../core/recovery.ts';
import { MetricName, type Telemetry } from '../core/telemetry.ts';
import type { RedirectQueryParameter, RedirectRequestHeader } from './redirect-headers.ts';

/**
 * Viewer headers are read only through here, so the list CloudFront forwards (redirect-headers.ts)
 * is complete. (The origin secret is not a viewer header: CloudFront adds it to every origin request.)
 */
const header = (c: Context, name: RedirectRequestHeader): string | undefined => c.req.header(name);
const query = (c: Context, name: RedirectQueryParameter): string | undefined => c.req.query(name);

export interface RedirectAppDeps extends RedirectDeps {
  /** The connecting address as the runtime adapter reports it (Lambda's sourceIp, the socket locally). */
  readonly clientIp: (c: Context) => string | undefined;
  /** Behind CloudFront the guest's address is in CloudFront-Viewer-Address, not the connection. */
  readonly trustCloudFront: boolean;
  readonly telemetry: Telemetry;
  /**
   * Called, before the guest is answered, with a click neither the log nor the spill took. Locally
   * a durable file that `npm start` re-appends from (local/unrecorded-journal.ts); on Lambda the
   * log line is the record (`reftrack recover --from-log`).
   */
  readonly keepUnrecorded?: (event: RedirectOutcome & { kind: 'unrecorded' }) => void;
  /**
   * The value CloudFront puts in `X-Reftrack-Origin-Verify` on every origin request. CloudFront-*
   * headers are believed only on a request that carries it: the execute-api URL is public, and
   * a caller who bypasses CloudFront could otherwise choose their own address and country.
   * Absent: nothing is believed, even with trustCloudFront.
   */
  readonly originSecret?: string | undefined;
  /**
   * Only CloudFront can reach this origin (a function URL with AWS_IAM auth that grants just the
   * distribution, which signs with its Origin Access Control; CloudFront sets CloudFront-Viewer-*
   * itself, overwriting a guest's), so with trustCloudFront every request's headers are believed
   * and no origin secret is checked. @default false
   */
  readonly originAccessControl?: boolean;
}

const REDIRECT_HEADERS = {
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'X-Robots-Tag': 'noindex',
} as const;

/**
 * `GET|HEAD /ref/{code}`: the guest's hop. Every path through here ends in a 302, including
 * malformed codes, unknown paths under /ref and unexpected failures.
 */
export function createRedirectApp(deps: RedirectAppDeps): Hono {
  const app = new Hono();
  const { telemetry } = deps;
  const believeCloudFront = cloudFrontCheck(deps);
  // Lambda's metrics leave with each response (one EMF line per invocation). Each answer
  // flushes itself: no middleware, so Hono runs the one matching handler without composing.
  const answer = (c: Context, location: string): Response => {
    const response = redirect(c, location);
    telemetry.flush();
    return response;
  };

  const handle = async (c: Context) => {
    const viaCloudFront = believeCloudFront(c);
    const outcome = await recordClick(
      {
        rawCode: rawCode(c.req.path),
        method: c.req.method === 'HEAD' ? 'HEAD' : 'GET',
        ip: (viaCloudFront ? viewerIp(c, telemetry) : undefined) ?? deps.clientIp(c),
        userAgent: header(c, 'user-agent'),
        referer: header(c, 'referer'),
        purpose: header(c, 'sec-purpose') ?? header(c, 'purpose') ?? header(c, 'x-purpose') ?? header(c, 'x-moz'),
        fetchMode: header(c, 'sec-fetch-mode'),
        fetchDest: header(c, 'sec-fetch-dest'),
        fetchSite: header(c, 'sec-fetch-site'),
        fetchUser: header(c, 'sec-fetch-user'),
        country: viaCloudFront ? header(c, 'cloudfront-viewer-country') : undefined,
        utmContent: query(c, 'utm_content'),
        utmTerm: query(c, 'utm_term'),
        vendorPreview: query(c, VENDOR_PREVIEW.param) === VENDOR_PREVIEW.value,
      },
      deps,
    );
    observe(outcome, c.req.path, telemetry);
    if (outcome.kind === 'unrecorded' && deps.keepUnrecorded) {
      try {
        deps.keepUnrecorded(outcome);
      } catch (error) {
        telemetry.logger.error('could not keep an unrecorded click; its log line is the only copy', { clickId: outcome.event.clickId, error });
      }
    }
    return answer(c, outcome.location);
  };

  app.on(['GET', 'HEAD'], '/ref', handle);
  // One route for every method under /ref/ (Hono answers HEAD with the GET route), so a click
  // matches a single handler.
  app.all('/ref/*', (c) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return handle(c);
    c.header('Allow', 'GET, HEAD');
    return c.text('Method Not Allowed', 405);
  });
  // The URL parser folds dot segments (`/ref/%2e%2e` arrives as `/`), so a hostile path can miss
  // the /ref routes entirely; on the redirect function that is still a guest, sent to the fallback.
  app.notFound((c) => {
    telemetry.count(MetricName.OrphanVisit);
    telemetry.logger.info('orphan visit', { reason: 'malformed', path: describeUntrusted(c.req.path) });
    return answer(c, deps.settings.fallbackUrl);
  });
  app.onError((error, c) => {
    telemetry.logger.error('redirect failed unexpectedly; guest sent to fallback', { error, path: describeUntrusted(c.req.path) });
    telemetry.count(MetricName.OrphanVisit);
    return answer(c, deps.settings.fallbackUrl);
  });
  return app;
}

/** Listed once (not `Object.entries` on every answer). */
const REDIRECT_HEADER_LIST = Object.entries(REDIRECT_HEADERS);

function redirect(c: Context, location: string): Response {
  for (const [k, v] of REDIRECT_HEADER_LIST) c.header(k, v);
  return c.redirect(location, 302);
}

/** The code part of `/ref/<code>`, percent-decoded when that is possible. */
function rawCode(path: string): string {
  const rest = path.replace(/^\/ref\/?/, '').replace(/\/$/, '');
  try {
    return decodeURIComponent(rest);
  } catch {
    return rest;
  }
}

/** The guest's address from CloudFront; without it every guest of one edge would share the edge's address (one visitor): counted and alarmed. */
function viewerIp(c: Context, telemetry: Telemetry): string | undefined {
  const ip = viewerAddress(header(c, 'cloudfront-viewer-address'));
  if (ip === undefined) telemetry.count(MetricName.ViewerAddressMissing);
  return ip;
}

/**
 * Whether a request's CloudFront headers may be believed: trusted by configuration AND proven by
 * the origin (only CloudFront can reach it: Origin Access Control) or by the origin secret. The
 * secret's digest is taken once, here, not on every click.
 */
function cloudFrontCheck(deps: RedirectAppDeps): (c: Context) => boolean {
  if (!deps.trustCloudFront) return () => false;
  if (deps.originAccessControl) return () => true;
  if (!deps.originSecret) return () => false;
  const expected = sha256(deps.originSecret);
  return (c) => {
    const sent = c.req.header(ORIGIN_VERIFY_HEADER);
    // Digests have equal length, so the comparison takes the same time whatever was sent.
    return sent !== undefined && timingSafeEqual(sha256(sent), expected);
  };
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function observe(outcome: RedirectOutcome, path: string, telemetry: Telemetry): void {
  switch (outcome.kind) {
    case 'recorded':
      telemetry.count(MetricName.ClickRecorded);
      if (outcome.event.bot.isBot) telemetry.count(MetricName.BotClick);
      // Every click passes here: with debug off (the default), nothing is built for a line that would be dropped.
      if (telemetry.logger.isDebugEnabled?.() ?? true) telemetry.logger.debug('click recorded', { clickId: outcome.event.clickId, vendorCode: outcome.event.vendorCode });
      return;
    case 'not-counted':
      telemetry.count(outcome.reason === 'head' ? MetricName.HeadRequest : MetricName.VendorPreview);
      return;
    case 'orphan':
      telemetry.count(MetricName.OrphanVisit);
      telemetry.logger.info('orphan visit', { reason: outcome.reason, path: describeUntrusted(path), error: outcome.cause });
      return;
    case 'spilled':
      telemetry.count(MetricName.ClickSpilled);
      telemetry.logger.warn('click spilled', { clickId: outcome.event.clickId, vendorCode: outcome.event.vendorCode, error: outcome.cause });
      return;
    case 'unrecorded':
      telemetry.count(MetricName.ClickUnrecorded);
      // The whole event in one line, so it can be re-ingested from the logs.
      telemetry.logger.error(UNRECORDED_MESSAGE, { clickEvent: outcome.event, error: outcome.cause });
      return;
  }
}
