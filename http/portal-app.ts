/**
 * The vendor portal's API: one vendor's own numbers, read with the private link's signed
 * credential (core/portal-credential.ts), never with the analyst token. Every route takes the
 * vendor from the verified credential; no route takes a vendor from the request, so no other
 * vendor's name, code or figure can be asked for.
 *
 *   GET /portal/api/v1/me                                   the vendor, its link and QR files, the link's expiry
 *   GET /portal/api/v1/rollups?from=&to=[&format=csv]       daily figures of the period
 *   GET /portal/api/v1/breakdowns?from=&to=&by=[&format=csv]   one dimension, or several (`by=a,b`) in one JSON answer
 *   GET /portal/api/v1/estimate                             this month's earnings so far, from the payout rules (an estimate)
 *   GET /portal/api/v1/statements                           the months finance has published
 *   GET /portal/api/v1/statements/<YYYY-MM>                 one published statement (HTML)
 */
import { Hono, type MiddlewareHandler } from 'hono';
import * as z from 'zod';
import { businessDay, BusinessDayString, type BusinessDay } from '../core/business-day.ts';
import { NotFoundError, UnauthorizedError, ValidationError } from '../core/errors.ts';
import { commissionFor } from '../core/finance/commission.ts';
import { multiplyCents } from '../core/finance/money.ts';
import type { PayoutRules } from '../core/finance/payout-rules.ts';
import { QR_PLACEMENT } from '../core/outreach/links.ts';
import { presetRange } from '../core/period.ts';
import { acceptPortalToken, PortalCredentialError, type PortalEpochs, type PortalGrant } from '../core/portal-credential.ts';
import type { Clock, StatementShelf } from '../core/ports.ts';
import type { RollupScope } from '../core/rollup.ts';
import type { Telemetry } from '../core/telemetry.ts';
import { BreakdownDimensionsParam, breakdownAnswer, parseQuery, resolveRange, rollupsAnswer, type ApiRollups, type ApiVendors } from './api-app.ts';
import { jsonNotFound, respondWithError } from './errors.ts';

export interface PortalAppDeps {
  readonly vendors: ApiVendors;
  readonly rollups: ApiRollups;
  readonly epochs: PortalEpochs;
  readonly signingKey: string;
  readonly clock: Clock;
  readonly timeZone: string;
  readonly publicBaseUrl: string;
  /** The payout rules, read when an estimate is asked for (null: no rules file). */
  readonly payoutRules: () => Promise<PayoutRules | null>;
  readonly statements: StatementShelf;
  readonly telemetry: Telemetry;
}

type Env = { Variables: { grant: PortalGrant } };

const Range = z.object({ from: z.optional(BusinessDayString), to: z.optional(BusinessDayString), format: z.enum(['json', 'csv']).default('json') }).strict();
const BreakdownRange = Range.extend({ by: BreakdownDimensionsParam }).strict();


/** `Authorization: Bearer <portal token>`: signature, expiry, revocation epoch, and the vendor still exists. */
export function portalAuth(deps: Pick<PortalAppDeps, 'epochs' | 'signingKey' | 'clock' | 'vendors'>): MiddlewareHandler<Env> {
  return async (c, next) => {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    if (!match) throw new UnauthorizedError('missing credential: open the private link you were sent');
    const grant = await acceptPortalToken(match[1]!, deps.signingKey, deps.clock.now(), deps.epochs);
    if (!(await deps.vendors.get(grant.vendor))) throw new PortalCredentialError('unknown-vendor', 'this link is not valid');
    c.set('grant', grant);
    await next();
  };
}

export function createPortalApp(deps: PortalAppDeps): Hono<Env> {
  const app = new Hono<Env>();
  app.use('/portal/api/*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });
  app.use('/portal/api/v1/*', portalAuth(deps));
  const today = () => businessDay(deps.clock.now(), deps.timeZone);

  app.get('/portal/api/v1/me', async (c) => {
    const grant = c.get('grant');
    const vendor = (await deps.vendors.get(grant.vendor))!;
    const link = `${deps.publicBaseUrl}/ref/${vendor.code}`;
    return c.json({
      timeZone: deps.timeZone,
      today: today(),
      vendor: {
        code: vendor.code,
        name: vendor.name,
        status: vendor.status,
        link,
        qrLink: `${link}?utm_content=${QR_PLACEMENT}`,
        qrPng: `/outreach/qr/${vendor.code}.png`,
        qrSvg: `/outreach/qr/${vendor.code}.svg`,
      },
      linkExpiresAt: new Date(grant.expiresAt * 1000).toISOString(),
    });
  });

  app.get('/portal/api/v1/rollups', async (c) => {
    const q = parseQuery(Range, c.req.query());
    const scope = c.get('grant').vendor as RollupScope;
    const { from, to } = resolveRange(q.from as BusinessDay | undefined, q.to as BusinessDay | undefined, today());
    return rollupsAnswer(c, { timeZone: deps.timeZone, scope, from, to, format: q.format, rollups: deps.rollups });
  });

  app.get('/portal/api/v1/breakdowns', async (c) => {
    const q = parseQuery(BreakdownRange, c.req.query());
    const scope = c.get('grant').vendor as RollupScope;
    const { from, to } = resolveRange(q.from as BusinessDay | undefined, q.to as BusinessDay | undefined, today());
    return breakdownAnswer(c, { timeZone: deps.timeZone, scope, from, to, dims: q.by, format: q.format, rows: (by) => deps.rollups.breakdown(scope, from, to, by) });
  });

  app.get('/portal/api/v1/estimate', async (c) => {
    const code = c.get('grant').vendor;
    const { from, to } = presetRange('this-month', today());
    const [{ total }, bookings, rules] = await Promise.all([deps.rollups.range(code as RollupScope, from as BusinessDay, to as BusinessDay), deps.rollups.bookingDays(code, from, to), deps.payoutRules()]);
    const rule = rules?.vendors.get(code);
    const counted = { qualifiedClicks: total.qualifiedClicks, bookings: total.bookings, bookingValueCents: total.bookingValueCents };
    if (!rules || !rule) return c.json({ month: from.slice(0, 7), from, to, ...counted, estimate: null, note: 'No payout rate is set up for you yet.' });
    const earned = multiplyCents(total.qualifiedClicks, rule.rateCents);
    const capped = rule.monthlyCapCents === null ? earned : Math.min(earned, rule.monthlyCapCents);
    // Commission per booking, rounded per booking as the statement does; a reversal this month takes its commission back.
    const commissionCents = rule.commission ? bookings.reduce((sum, b) => sum + Math.sign(b.bookings) * commissionFor(rule.commission!, Math.abs(b.bookingValueCents)), 0) : 0;
    return c.json({
      month: from.slice(0, 7),
      from,
      to,
      ...counted,
      estimate: { currency: rules.currency, rateCents: rule.rateCents, monthlyCapCents: rule.monthlyCapCents, capApplied: capped < earned, clicksCents: capped, commissionCents, amountCents: capped + commissionCents },
      note: 'An estimate from the qualified clicks and bookings counted so far; the monthly statement is what is paid (a booking with a holding period is paid after the trip, a balance below the minimum payout is carried to the next month).',
    });
  });

  app.get('/portal/api/v1/statements', async (c) => {
    const months = (await deps.statements.months(c.get('grant').vendor)).sort().reverse();
    return c.json({ statements: months.map((month) => ({ month, url: `/portal/api/v1/statements/${month}` })) });
  });

  app.get('/portal/api/v1/statements/:month', async (c) => {
    const month = c.req.param('month');
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new ValidationError('month: must be YYYY-MM');
    const html = await deps.statements.get(c.get('grant').vendor, month);
    if (html === undefined) throw new NotFoundError(`no published statement for ${month}`);
    // The statement is a finished document: no script, its own styles only.
    c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'");
    return c.html(html);
  });

  app.notFound(jsonNotFound(deps.telemetry));
  app.onError((error, c) => {
    // Why a link was refused goes to the log, never the vendor's data; the answer is the same 401 shape.
    if (error instanceof PortalCredentialError) deps.telemetry.logger.info('portal link refused', { reason: error.reason });
    return respondWithError(c, error, deps.telemetry);
  });
  return app;
}
