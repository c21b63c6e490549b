/**
 * The analyst API, written once: Lambda runs it through handlers/api.ts, the local server
 * mounts it in local/server.ts.
 *
 *   GET /api/v1/vendors                                   every vendor with its link and running totals
 *   GET /api/v1/rollups?vendor=&from=&to=[&format=csv]    zero-filled daily rollups and their total
 *
 * Every answer says which time zone its business days are in and is never cached.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { BusinessDayString, businessDay, daysBetween, type BusinessDay } from '../core/business-day.ts';
import { NotFoundError, ValidationError } from '../core/errors.ts';
import type { Clock } from '../core/ports.ts';
import { ALL_VENDORS, type DailyRollup, type RollupScope, type VendorTotals } from '../core/rollup.ts';
import { figuresJson, lastDays, MAX_RANGE_DAYS, rollupCsvFileName, rollupCsvLines, rollupReport } from '../core/rollup-report.ts';
import type { Vendor } from '../core/vendor.ts';
import { VENDOR_CODE_PATTERN, type VendorCode } from '../core/vendor-code.ts';
import type { Telemetry } from '../core/telemetry.ts';
import { jsonErrorHandler, jsonNotFound } from './errors.ts';

/** What the API reads; RollupReader and DynamoVendorStore in practice. */
export interface ApiRollups {
  range(scope: RollupScope, from: BusinessDay, to: BusinessDay): Promise<{ days: DailyRollup[]; total: VendorTotals }>;
  totals(scope: RollupScope): Promise<VendorTotals>;
}

export interface ApiVendors {
  list(): Promise<Vendor[]>;
  get(code: VendorCode): Promise<Vendor | undefined>;
}

export interface ApiAppDeps {
  readonly vendors: ApiVendors;
  readonly rollups: ApiRollups;
  readonly clock: Clock;
  /** The business time zone the days are counted in (TIME_ZONE). */
  readonly timeZone: string;
  /** Where guests reach the redirect; a vendor's link is `<base>/ref/<code>`. */
  readonly publicBaseUrl: string;
  /** Bearer token locally, "API Gateway already authorized" in AWS (http/api-wiring.ts). */
  readonly auth: MiddlewareHandler;
  readonly telemetry: Telemetry;
}

/** Days the range covers when the caller gives no `from`/`to`. */
export const DEFAULT_RANGE_DAYS = 30;

const dayParam = BusinessDayString;

const RollupsQuery = z.object({
  vendor: z
    .string()
    .refine((s) => s === ALL_VENDORS || VENDOR_CODE_PATTERN.test(s), { message: 'must be a vendor code like "solare" ([a-z0-9][a-z0-9-]{0,31}), or omitted for all vendors' })
    .optional(),
  from: dayParam.optional(),
  to: dayParam.optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

function parseQuery<S extends z.ZodType>(schema: S, query: Record<string, string>): z.infer<S> {
  const result = schema.safeParse(query);
  if (result.success) return result.data;
  throw new ValidationError(result.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '));
}

export function createApiApp(deps: ApiAppDeps): Hono {
  const app = new Hono();

  // Numbers change with every click; no browser, proxy or CDN may keep an answer.
  app.use('/api/v1/*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });
  app.use('/api/v1/*', deps.auth);

  app.get('/api/v1/vendors', async (c) => {
    const vendors = (await deps.vendors.list()).sort((a, b) => a.code.localeCompare(b.code));
    const totals = await Promise.all(vendors.map((v) => deps.rollups.totals(v.code)));
    return c.json({
      timeZone: deps.timeZone,
      vendors: vendors.map((v, i) => ({
        code: v.code,
        name: v.name,
        status: v.status,
        link: `${deps.publicBaseUrl}/ref/${v.code}`,
        totals: figuresJson(totals[i]!),
      })),
    });
  });

  app.get('/api/v1/rollups', async (c) => {
    const q = parseQuery(RollupsQuery, c.req.query());
    const { from, to } = resolveRange(q.from as BusinessDay | undefined, q.to as BusinessDay | undefined, businessDay(deps.clock.now(), deps.timeZone));
    const scope: RollupScope = (q.vendor ?? ALL_VENDORS) as RollupScope;
    if (scope !== ALL_VENDORS && !(await deps.vendors.get(scope))) throw new NotFoundError(`no vendor with code "${scope}"`);
    const { days, total } = await deps.rollups.range(scope, from, to);
    if (q.format === 'csv') {
      c.header('Content-Type', 'text/csv; charset=utf-8');
      c.header('Content-Disposition', `attachment; filename="${rollupCsvFileName(scope, from, to, deps.timeZone)}"`);
      c.header('X-Reftrack-Time-Zone', deps.timeZone);
      return c.body(`${rollupCsvLines(scope, days, total).join('\n')}\n`);
    }
    return c.json(rollupReport({ timeZone: deps.timeZone, scope, from, to, days, total }));
  });

  app.notFound(jsonNotFound(deps.telemetry));
  app.onError(jsonErrorHandler(deps.telemetry));
  return app;
}

/** Defaults: `to` = today (business day), `from` = 30 days ending at `to`. Inclusive; at most 400 days. */
export function resolveRange(from: BusinessDay | undefined, to: BusinessDay | undefined, today: BusinessDay): { from: BusinessDay; to: BusinessDay } {
  const end = to ?? (from && from > today ? from : today);
  const start = from ?? lastDays(end, DEFAULT_RANGE_DAYS).from;
  if (start > end) throw new ValidationError(`from: ${start} is after to: ${end}`);
  const span = daysBetween(start, end).length;
  if (span > MAX_RANGE_DAYS) throw new ValidationError(`from/to: the range ${start} to ${end} spans ${span} days; at most ${MAX_RANGE_DAYS} days per request`);
  return { from: start, to: end };
}
