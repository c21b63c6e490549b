/**
 * The analyst API, written once: Lambda runs it through handlers/api.ts, the local server
 * mounts it in local/server.ts.
 *
 *   GET /api/v1/vendors                                   every vendor with its link and running totals
 *   GET /api/v1/rollups?vendor=&from=&to=[&format=csv]    zero-filled daily rollups and their total
 *   GET /api/v1/breakdowns?vendor=&from=&to=&by=[&format=csv]  one dimension's split of the period
 *       (`by=placement,device,...`: several dimensions in one JSON answer, `{..., breakdowns: [one answer per dimension]}`)
 *
 * Every answer says which time zone its business days are in and is never cached.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import '../core/validation.ts';
import * as z from 'zod/mini';
import { BREAKDOWN_DIMENSIONS, breakdownCsvLines, type BreakdownDimension, type BreakdownRow } from '../core/breakdown.ts';
import { businessDay, type BusinessDay } from '../core/business-day.ts';
import { resolveDayRange } from '../core/day-range.ts';
import { NotFoundError, ValidationError } from '../core/errors.ts';
import type { Clock } from '../core/ports.ts';
import { ALL_VENDORS, type DailyRollup, type RollupScope, type VendorTotals } from '../core/rollup.ts';
import { breakdownCsvFileName, breakdownReport, figuresJson, rollupCsvFileName, rollupCsvLines, rollupReport } from '../core/rollup-report.ts';
import type { Vendor } from '../core/vendor.ts';
import { VENDOR_CODE_PATTERN, type VendorCode } from '../core/vendor-code.ts';
import type { Telemetry } from '../core/telemetry.ts';
import { jsonErrorHandler, jsonNotFound } from './errors.ts';

/** What the API reads; RollupReader and DynamoVendorStore in practice. */
export interface ApiRollups {
  range(scope: RollupScope, from: BusinessDay, to: BusinessDay): Promise<{ days: DailyRollup[]; total: VendorTotals }>;
  totals(scope: RollupScope): Promise<VendorTotals>;
  breakdown(scope: RollupScope, from: BusinessDay, to: BusinessDay, by: BreakdownDimension): Promise<BreakdownRow[]>;
  /** One vendor's conversions in a day range, each as the booking figures it adds to its day. */
  bookingDays(vendor: string, from: string, to: string): Promise<DailyRollup[]>;
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

const RollupsQuery = z.object({
  // Case-insensitive, like the redirect and the CLI: `SOLARE` is solare.
  vendor: z.optional(
    z.pipe(
      z.string(),
      z.transform((s) => s.trim().toLowerCase()),
    ).check(z.refine((s) => s === ALL_VENDORS || VENDOR_CODE_PATTERN.test(s), { message: 'must be a vendor code like "solare" ([a-z0-9][a-z0-9-]{0,31}), or omitted for all vendors' })),
  ),
  from: z.optional(z.string()),
  to: z.optional(z.string()),
  format: z._default(z.enum(['json', 'csv']), 'json'),
});

/**
 * `by`: one dimension, or several separated by commas (a page asks for all of them in one
 * request instead of five). Several come back in one JSON answer; a CSV file holds one.
 */
export const BreakdownDimensionsParam = z.pipe(
  z._default(z.string(), 'placement'),
  z.transform((s: string, ctx) => {
    const dims = s.split(',');
    if (!dims.every((d): d is BreakdownDimension => (BREAKDOWN_DIMENSIONS as readonly string[]).includes(d))) {
      ctx.issues.push({ code: 'custom', input: s, message: `must be one of ${BREAKDOWN_DIMENSIONS.join(', ')} (several separated by commas)` });
      return z.NEVER;
    }
    if (new Set(dims).size !== dims.length) {
      ctx.issues.push({ code: 'custom', input: s, message: 'names a dimension twice' });
      return z.NEVER;
    }
    return dims;
  }),
);

const BreakdownsQuery = z.extend(RollupsQuery, { by: BreakdownDimensionsParam });

/** Any zod schema (zod here for its bundle size, zod classic in the portal): what parsing a query needs of it. */
interface QuerySchema<T> {
  safeParse(query: unknown): { success: true; data: T } | { success: false; error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> } };
}

/** A query string through its schema, or a ValidationError naming each bad parameter (every app's query parser). */
export function parseQuery<T>(schema: QuerySchema<T>, query: Record<string, string>): T {
  const result = schema.safeParse(query);
  if (result.success) return result.data;
  throw new ValidationError(result.error.issues.map((i) => `${i.path.map(String).join('.') || 'query'}: ${i.message}`).join('; '));
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
    const { from, to } = resolveDayRange(q, businessDay(deps.clock.now(), deps.timeZone));
    const scope: RollupScope = (q.vendor ?? ALL_VENDORS) as RollupScope;
    if (scope !== ALL_VENDORS && !(await deps.vendors.get(scope))) throw new NotFoundError(`no vendor with code "${scope}"`);
    return rollupsAnswer(c, { timeZone: deps.timeZone, scope, from, to, format: q.format, rollups: deps.rollups });
  });

  app.get('/api/v1/breakdowns', async (c) => {
    const q = parseQuery(BreakdownsQuery, c.req.query());
    const { from, to } = resolveRange(q.from as BusinessDay | undefined, q.to as BusinessDay | undefined, businessDay(deps.clock.now(), deps.timeZone));
    const scope: RollupScope = (q.vendor ?? ALL_VENDORS) as RollupScope;
    if (scope !== ALL_VENDORS && !(await deps.vendors.get(scope))) throw new NotFoundError(`no vendor with code "${scope}"`);
    return breakdownAnswer(c, { timeZone: deps.timeZone, scope, from, to, dims: q.by, format: q.format, rows: (by) => deps.rollups.breakdown(scope, from, to, by) });
  });

  app.notFound(jsonNotFound(deps.telemetry));
  app.onError(jsonErrorHandler(deps.telemetry));
  return app;
}

/** A period's daily rollups and their total, as JSON or CSV (the analyst API and the portal answer alike). */
export async function rollupsAnswer(
  c: Context,
  q: { timeZone: string; scope: RollupScope; from: BusinessDay; to: BusinessDay; format: 'json' | 'csv'; rollups: Pick<ApiRollups, 'range'> },
): Promise<Response> {
  const { timeZone, scope, from, to } = q;
  const { days, total } = await q.rollups.range(scope, from, to);
  if (q.format === 'csv') {
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="${rollupCsvFileName(scope, from, to, timeZone)}"`);
    c.header('X-Reftrack-Time-Zone', timeZone);
    return c.body(`${rollupCsvLines(scope, days, total).join('\n')}\n`);
  }
  return c.json(rollupReport({ timeZone, scope, from, to, days, total }));
}

/** One dimension as JSON or CSV, or several as one JSON answer (the analyst API and the portal answer alike). */
export async function breakdownAnswer(
  c: Context,
  q: { timeZone: string; scope: RollupScope; from: BusinessDay; to: BusinessDay; dims: readonly BreakdownDimension[]; format: 'json' | 'csv'; rows: (by: BreakdownDimension) => Promise<BreakdownRow[]> },
): Promise<Response> {
  const { timeZone, scope, from, to, dims } = q;
  if (dims.length > 1 && q.format === 'csv') throw new ValidationError('by: a CSV file holds one dimension; ask for one (e.g. by=placement)');
  const answers = await Promise.all(dims.map(async (by) => breakdownReport({ timeZone, scope, by, from, to, rows: await q.rows(by) })));
  if (q.format === 'csv') return breakdownCsv(c, timeZone, scope, dims[0]!, from, to, answers[0]!.rows);
  if (dims.length === 1) return c.json(answers[0]!);
  return c.json({ timeZone, vendor: scope, from, to, breakdowns: answers });
}

/** A breakdown as CSV, with the same headers as the rollups' CSV (time zone in a header and the file name). */
export function breakdownCsv(c: Context, timeZone: string, scope: RollupScope, by: BreakdownDimension, from: BusinessDay, to: BusinessDay, rows: readonly BreakdownRow[]): Response {
  c.header('Content-Type', 'text/csv; charset=utf-8');
  c.header('Content-Disposition', `attachment; filename="${breakdownCsvFileName(scope, by, from, to, timeZone)}"`);
  c.header('X-Reftrack-Time-Zone', timeZone);
  return c.body(`${breakdownCsvLines(scope, by, from, to, rows).join('\n')}\n`);
}

/** The one day-range rule (core/day-range.ts), for every route that takes `from`/`to`. */
export function resolveRange(from: string | undefined, to: string | undefined, today: BusinessDay): { from: BusinessDay; to: BusinessDay } {
  return resolveDayRange({ from, to }, today);
}
