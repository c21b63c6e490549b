/**
 * The README's export SQL, run by a real query engine (DuckDB, in process) over the gzip NDJSON
 * the pipeline really exported (events -> DynamoDB Local -> export consumer -> local Firehose,
 * with a redelivered batch, so lines repeat). Every rollup figure of every vendor-day must come
 * out equal to the live rollups, and the README's paid-clicks query must equal what
 * `reftrack payouts` pays. The table definition's columns must be the export's fields.
 */
import { DEFAULT_RULES } from '../../core/qualification.ts';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamodb } from '../support/clients.ts';
import { RollupReader } from '../../adapters/dynamodb-rollup-reader.ts';
import { RollupGenerations } from '../../adapters/rollup-generation.ts';
import type { TableNames } from '../../adapters/provision.ts';
import type { BusinessDay } from '../../core/business-day.ts';
import type { ClickEvent } from '../../core/click-event.ts';
import { ExportRecord, toExportRecord } from '../../core/export-record.ts';
import { parsePayoutRules } from '../../core/finance/payout-rules.ts';
import { computePayouts, parseMonth } from '../../core/finance/payouts.ts';
import type { VendorCode } from '../../core/vendor-code.ts';
import { freePort } from '../../local/free-port.ts';
import { startLocalFirehose } from '../../local/firehose-server.ts';
import { recordAndAggregate } from '../support/analyst.ts';
import { click } from '../support/click-events.ts';
import { exportHandlerOn, insertRecordsFor, tmpDataDir } from '../support/export.ts';
import { freshTables } from '../support/tables.ts';
import { telemetry } from '../support/telemetry.ts';

const README = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
const VENDORS = ['solare', 'puesto', 'boardbrew'] as const;

/** The ```sql blocks of the README's Export schema section, in order. */
function exportSqlBlocks(): string[] {
  const section = README.slice(README.indexOf('## Export schema'), README.indexOf('\n## ', README.indexOf('## Export schema') + 5));
  return [...section.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** A deterministic mix: repeat visitors, bots, prefetches, staff, across days and the midnight edge. */
function clicks(): ClickEvent[] {
  // mulberry32: a small seeded generator, so the data set is the same on every run.
  let seed = 7;
  const next = (n: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) % n);
  };
  const out: ClickEvent[] = [];
  for (let i = 0; i < 240; i++) {
    const kind = next(10);
    out.push(
      click({
        vendor: VENDORS[next(3)],
        visitor: `v${next(25)}`,
        // Nov 2 .. Nov 9, any hour (UTC), so some land on the previous business day in Los Angeles.
        at: new Date(Date.UTC(2026, 10, 2 + next(8), next(24), next(60), next(60), i)),
        ...(kind === 0 ? { bot: true } : kind === 1 ? { bot: 'prefetch' as const } : kind === 2 ? { internal: true } : {}),
      }),
    );
  }
  return out;
}

describe('the README export SQL in DuckDB over the real local export', () => {
  let tables: TableNames;
  let events: ClickEvent[];
  let root: string;

  beforeAll(async () => {
    tables = await freshTables();
    events = clicks();
    await recordAndAggregate(tables, events);
    const dataDir = tmpDataDir();
    const fh = await startLocalFirehose({ port: await freePort(), dataDir, bucket: 'reftrack-exports', bufferingIntervalMs: 3_600_000, logger: telemetry.logger });
    try {
      const { handler, client } = exportHandlerOn(fh.endpoint, { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 40 });
      const records = await insertRecordsFor(tables.events, events);
      expect((await handler({ Records: records })).batchItemFailures).toEqual([]);
      await fh.flush();
      expect((await handler({ Records: records.slice(0, 40) })).batchItemFailures).toEqual([]); // redelivered
      await fh.flush();
      client.destroy();
    } finally {
      await fh.stop();
    }
    root = join(dataDir, 's3', 'reftrack-exports');
  }, 180_000);

  async function query(sql: string): Promise<Array<Record<string, unknown>>> {
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    try {
      // Stands in for the Athena table: the same objects, the same dt= partitions, the same columns.
      await con.run(`CREATE VIEW reftrack_clicks AS SELECT * FROM read_json('${join(root, 'events')}/dt=*/*.gz', format = 'newline_delimited', hive_partitioning = true, hive_types_autocast = false)`);
      const reader = await con.runAndReadAll(sql);
      // DuckDB names a result column as the JSON key is spelled (vendorCode); SQL, like Athena, does not care.
      return (reader.getRowObjectsJS() as Array<Record<string, unknown>>).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k.toLowerCase(), v])));
    } finally {
      con.closeSync();
      db.closeSync();
    }
  }

  it('the table definition has exactly the export fields, and one statement per block', () => {
    const [create, paid] = exportSqlBlocks();
    expect(create).toMatch(/^CREATE EXTERNAL TABLE reftrack_clicks/);
    expect(paid).toMatch(/^WITH clicks AS/);
    for (const block of [create!, paid!]) expect(block.trim().replace(/;$/, '')).not.toContain(';');
    const columns = [...create!.slice(create!.indexOf('(') + 1, create!.indexOf('\n)')).matchAll(/^\s+`?(\w+)`?\s+\w+,?$/gm)].map((m) => m[1]);
    expect(columns).toEqual(Object.keys(ExportRecord.shape).map((k) => k.toLowerCase()));
    expect(create).toContain("'projection.dt.range' = '2026-01-01,NOW+1DAYS'");
    expect(create).toContain('org.apache.hive.hcatalog.data.JsonSerDe');
  });

  it('the paid-clicks query, as written, gives what payouts pays and the rollups count as qualified', async () => {
    const [, paid] = exportSqlBlocks();
    const rows = await query(paid!);
    const bySql: Record<string, number> = Object.fromEntries(rows.map((r) => [String(r.vendorcode), Number(r.qualified_clicks)]));

    const month = parseMonth('2026-11');
    const { rules } = parsePayoutRules(JSON.stringify({ currency: 'USD', vendors: Object.fromEntries(VENDORS.map((v) => [v, { rateCents: 1 }])) }), 'rules.json');
    const run = computePayouts({ month, rules, lines: events.map(toExportRecord), carryIn: null, qualification: DEFAULT_RULES, vendorNames: new Map() });
    const paidByPayouts = Object.fromEntries(run.vendors.map((v) => [v.code, v.qualifiedClicks]));
    expect(bySql).toEqual(paidByPayouts);

    const reader = new RollupReader(dynamodb, tables.state, new RollupGenerations(dynamodb, tables.state, 0));
    for (const v of VENDORS) expect((await reader.range(v as VendorCode, month.from, month.to)).total.qualifiedClicks, v).toBe(bySql[v]);
    // The query the README used to show (distinct human, non-internal click ids) counts more: it would overpay.
    const naive = await query(`SELECT count(DISTINCT clickid) AS n FROM reftrack_clicks WHERE NOT isbot AND NOT "internal"`);
    expect(Number(naive[0]!.n)).toBeGreaterThan(Object.values(bySql).reduce((a, b) => a + b, 0));
  });

  it('every rollup figure of every vendor-day, from the same deduplicated clicks', async () => {
    const [, paid] = exportSqlBlocks();
    // The README's own dedupe step (its `clicks` CTE), then the figures it names.
    const clicksCte = paid!.slice(0, paid!.indexOf('), qualifying AS (') + 1);
    const rows = await query(`${clicksCte}, qualifying AS (
        SELECT vendorcode, "day", visitorhash, row_number() OVER (PARTITION BY vendorcode, "day", visitorhash ORDER BY clickid) AS nth
        FROM clicks WHERE copy = 1 AND NOT isbot AND NOT "internal"
      )
      SELECT c.vendorcode, CAST(c."day" AS VARCHAR) AS day, count(*) AS clicks, count_if(isbot) AS botclicks, count_if(NOT isbot) AS humanclicks,
             count(DISTINCT visitorhash) AS uniquevisitors,
             (SELECT count(*) FROM qualifying q WHERE q.vendorcode = c.vendorcode AND q."day" = c."day" AND q.nth = 1) AS qualifiedclicks
      FROM clicks c WHERE copy = 1 GROUP BY c.vendorcode, c."day" ORDER BY 1, 2`);
    expect(rows.length).toBeGreaterThan(15);
    expect(rows.reduce((n, r) => n + Number(r.clicks), 0)).toBe(events.length);
    const reader = new RollupReader(dynamodb, tables.state, new RollupGenerations(dynamodb, tables.state, 0));
    for (const v of VENDORS) {
      const stored = (await reader.daily(v as VendorCode, '2026-11-01' as BusinessDay, '2026-11-30' as BusinessDay)).filter((d) => d.clicks > 0);
      const fromSql = rows.filter((r) => r.vendorcode === v);
      expect(fromSql.map((r) => [r.day, Number(r.clicks), Number(r.botclicks), Number(r.humanclicks), Number(r.uniquevisitors), Number(r.qualifiedclicks)]), v).toEqual(
        stored.map((d) => [d.day, d.clicks, d.botClicks, d.humanClicks, d.uniqueVisitors, d.qualifiedClicks]),
      );
    }
    const total = rows.reduce((n, r) => n + Number(r.clicks), 0);
    expect(total).toBe(events.length);
  });
});
