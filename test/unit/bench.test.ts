import { mkdtempSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkCostInputs, costRows, deployedFixed, measuredInputs, redirectBilledMs, type MeasuredInputs } from '../../bench/cost.ts';
import { missedTargets, renderTable } from '../../bench/report.ts';
import { readLatest, rowLookup, writeRun, type BenchRun } from '../../bench/results.ts';
import { ROW_ID, targetVerdict, type BenchRow } from '../../bench/row.ts';
import { BenchUsageError, parseSections } from '../../bench/sections.ts';
import type { TemplateResource } from '../../bench/synth.ts';
import { buildTestApp } from '../infra/build.ts';

const row = (id: string, value: number, extra: Partial<BenchRow> = {}): BenchRow => ({ id, section: 'cost', metric: id, value, unit: 'x', ...extra });

describe('bench sections', () => {
  it('runs every section when none is named, in the canonical order', () => {
    expect(parseSections([])).toEqual(['redirect', 'aggregate', 'bundles', 'cost']);
    expect(parseSections(['--'])).toEqual(['redirect', 'aggregate', 'bundles', 'cost']);
  });

  it('runs only the named sections, in the canonical order, each once', () => {
    expect(parseSections(['cost', 'bundles', 'cost'])).toEqual(['bundles', 'cost']);
  });

  it('names the unknown section and the known ones', () => {
    expect(() => parseSections(['redirect', 'bundle'])).toThrow(BenchUsageError);
    expect(() => parseSections(['bundle'])).toThrow(/"bundle".*redirect, aggregate, bundles, cost/);
  });
});

describe('bench results', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const run = (sections: BenchRun['sections'], rows: BenchRow[]): BenchRun => ({ date: '2026-12-01T10:00:00.000Z', node: 'v20', cpus: 2, sections, rows });

  it('writes latest.json on every run and the dated file only for a run of every section', () => {
    dir = mkdtempSync(join(tmpdir(), 'bench-results-'));
    expect(writeRun(dir, run(['cost'], [row('cost.a_usd', 1)]))).toEqual([join(dir, 'latest.json')]);
    expect(existsSync(join(dir, '2026-12-01.json'))).toBe(false);
    writeRun(dir, run(['redirect', 'aggregate', 'bundles', 'cost'], [row('cost.a_usd', 2)]));
    expect(JSON.parse(readFileSync(join(dir, '2026-12-01.json'), 'utf8')).rows[0].value).toBe(2);
    expect(readLatest(dir)?.rows[0]?.value).toBe(2);
  });

  it('refuses duplicated or malformed row ids', () => {
    dir = mkdtempSync(join(tmpdir(), 'bench-results-'));
    expect(() => writeRun(dir, run(['cost'], [row('cost.a', 1), row('cost.a', 2)]))).toThrow(/twice/);
    expect(() => writeRun(dir, run(['cost'], [row('Cost A', 1)]))).toThrow(/not dotted/);
    expect(ROW_ID.test('bundle.spill_drain.kib')).toBe(true);
    expect(ROW_ID.test('bundle.spill-drain.kib')).toBe(false);
  });

  it('ignores a latest.json without row ids (older runs)', () => {
    dir = mkdtempSync(join(tmpdir(), 'bench-results-'));
    writeRun(dir, run(['cost'], [row('cost.a_usd', 1)]));
    const file = join(dir, 'latest.json');
    const old = JSON.parse(readFileSync(file, 'utf8'));
    delete old.rows[0].id;
    writeFileSync(file, JSON.stringify(old));
    expect(readLatest(dir)).toBeUndefined();
  });

  it('looks a figure up in this run first, then in the previous run, and says which', () => {
    const previous = run(['redirect'], [row('redirect.c1.p50_ms', 9), row('aggregate.wcu_per_click', 3)]);
    const lookup = rowLookup([row('redirect.c1.p50_ms', 1)], previous);
    expect(lookup.getOrPrevious('redirect.c1.p50_ms')).toMatchObject({ row: { value: 1 }, from: 'this run' });
    expect(lookup.getOrPrevious('aggregate.wcu_per_click')).toMatchObject({ row: { value: 3 }, from: 'the run of 2026-12-01T10:00:00.000Z' });
    expect(lookup.getOrPrevious('nope.x')).toBeUndefined();
  });
});

describe('targets', () => {
  it('meets, misses, or has none', () => {
    expect(targetVerdict({ value: 0.5, target: { max: 0.5 } })).toBe('met');
    expect(targetVerdict({ value: 0.51, target: { max: 0.5 } })).toBe('missed');
    expect(targetVerdict({ value: 0.79, target: { min: 0.8 } })).toBe('missed');
    expect(targetVerdict({ value: Number.NaN, target: { min: 0.8 } })).toBe('missed');
    expect(targetVerdict({ value: 3 })).toBe('none');
    const rows = [row('a.b', 1, { target: { max: 0.5 } }), row('a.c', 1)];
    expect(missedTargets(rows).map((r) => r.id)).toEqual(['a.b']);
    expect(renderTable(rows)).toMatch(/a\.b .* ≤ 0\.5 MISSED/);
  });
});

describe('cost model', () => {
  const measured: MeasuredInputs = {
    aggregateWcuPerClick: 2,
    aggregateMsPerEvent: 1,
    redirectP50Ms: 3,
    redirectCpuMs: 1,
    redirectColdStartMs: 80.2,
    redirectMemoryMb: 512,
    consumerMemoryMb: 512,
    exportLineBytes: 600,
    exportBytesPerClickGz: 150,
  };
  const resources = (mode: 'PROVISIONED' | 'ON_DEMAND') => [
    { Type: 'AWS::Kinesis::Stream', Properties: mode === 'ON_DEMAND' ? { StreamModeDetails: { StreamMode: 'ON_DEMAND' } } : { ShardCount: 1, StreamModeDetails: { StreamMode: 'PROVISIONED' } } },
    { Type: 'AWS::SecretsManager::Secret' },
    { Type: 'AWS::CloudWatch::Alarm' },
    { Type: 'AWS::CloudWatch::Alarm' },
    { Type: 'AWS::Lambda::Function', Properties: { MemorySize: 1024, Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'redirect' } } } },
  ];

  it('bills the redirect its CPU at its share of a vCPU plus its wait, rounded up to 1 ms', () => {
    // 1 ms CPU at 512/1769 of a vCPU = 3.45 ms, + 2 ms waiting = 5.45 -> 6 ms.
    expect(redirectBilledMs(measured)).toBe(6);
    // At a full vCPU the CPU takes what it took here: 1 + 2 = 3 ms.
    expect(redirectBilledMs({ ...measured, redirectMemoryMb: 1769 })).toBe(3);
  });

  it('derives the fixed monthly lines from the synthesized stacks', () => {
    const fixed = (mode: 'PROVISIONED' | 'ON_DEMAND') => costRows(measured, deployedFixed(resources(mode)), 'this run').find((r) => r.id === 'cost.fixed_per_month_usd')!.value;
    expect(fixed('PROVISIONED')).toBeCloseTo(0.015 * 730 + 0.4 + 0.2, 6);
    expect(fixed('ON_DEMAND')).toBeCloseTo(0.04 * 730 + 0.4 + 0.2, 6);
    expect(deployedFixed(resources('PROVISIONED')).memoryMb).toEqual({ redirect: 1024 });
    const withWaf = [...resources('PROVISIONED'), { Type: 'AWS::WAFv2::WebACL', Properties: { Rules: [{}, {}] } }];
    expect(costRows(measured, deployedFixed(withWaf), 'this run').find((r) => r.id === 'cost.fixed.waf_per_month_usd')!.value).toBeCloseTo(5 + 2, 6);
  });

  it('adds the per-click lines to the total, and a measured figure changes it', () => {
    const rows = costRows(measured, deployedFixed(resources('PROVISIONED')), 'this run');
    const perClick = rows.filter((r) => r.id.endsWith('_per_million_usd') && r.id !== 'cost.total_per_million_usd');
    const total = rows.find((r) => r.id === 'cost.total_per_million_usd')!;
    expect(total.value).toBeCloseTo(perClick.reduce((s, r) => s + r.value, 0), 9);
    expect(rows.find((r) => r.id === 'cost.dynamodb_writes_per_million_usd')!.value).toBeCloseTo(3 * 0.625, 9);
    const heavier = costRows({ ...measured, aggregateWcuPerClick: 3 }, deployedFixed(resources('PROVISIONED')), 'this run').find((r) => r.id === 'cost.total_per_million_usd')!;
    expect(heavier.value - total.value).toBeCloseTo(0.625, 9);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    for (const r of rows) expect(ROW_ID.test(r.id)).toBe(true);
  });

  it('prices API Gateway per click only when the template sends /ref/* to an API Gateway origin (the row id stays)', () => {
    const distribution = (refOrigin: unknown): TemplateResource => ({
      Type: 'AWS::CloudFront::Distribution',
      Properties: {
        DistributionConfig: {
          Origins: [
            { Id: 'site', DomainName: { 'Fn::GetAtt': ['Files', 'RegionalDomainName'] } },
            { Id: 'guests', DomainName: refOrigin },
            // The analyst API on /api/* is an HTTP API too, but guests never reach it.
            { Id: 'people', DomainName: { 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': ['PeopleApi', 'ApiEndpoint'] }] }] } },
          ],
          CacheBehaviors: [
            { PathPattern: '/ref/*', TargetOriginId: 'guests' },
            { PathPattern: '/api/*', TargetOriginId: 'people' },
          ],
        },
      },
    });
    const apiGateway = (origin: unknown) => costRows(measured, deployedFixed([...resources('PROVISIONED'), distribution(origin)]), 'this run').find((r) => r.id === 'cost.api_gateway_per_million_usd')!;
    const httpApi = apiGateway({ 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': ['ReferralApi', 'ApiEndpoint'] }] }] });
    expect(httpApi.value).toBe(1.0);
    expect(httpApi.note).toMatch(/through an HTTP API/);
    const functionUrl = apiGateway({ 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': ['RedirectUrl', 'FunctionUrl'] }] }] });
    expect(functionUrl.value).toBe(0);
    expect(functionUrl.note).toMatch(/function URL/);
  });

  it('reads the real synthesized app: /ref/* through the function URL, so no API Gateway per click, and one secret fewer', () => {
    const { appTemplate, dataTemplate } = buildTestApp();
    const all = [appTemplate, dataTemplate].flatMap((t) => Object.values(t.toJSON().Resources as Record<string, TemplateResource>));
    const fixed = deployedFixed(all);
    expect(fixed.referralViaApiGateway).toBe(false);
    expect(fixed.secrets).toBe(2); // the visitor-hash key and the booking signing key; no origin-verify secret
    const rows = costRows(measured, fixed, 'this run');
    expect(rows.find((r) => r.id === 'cost.api_gateway_per_million_usd')!.value).toBe(0);
    expect(rows.find((r) => r.id === 'cost.fixed.secrets_per_month_usd')!.value).toBeCloseTo(0.8, 9);
  }, 60_000);

  it('says which section to run when a measured input is missing', () => {
    const lookup = rowLookup([row('aggregate.wcu_per_click', 2), row('aggregate.ms_per_event', 1)], undefined);
    expect(() => measuredInputs(lookup, deployedFixed([]), 600, 150)).toThrow(/redirect\.c1\.p50_ms: run `npm run bench -- redirect cost`/);
    expect(() => checkCostInputs(['cost'], undefined)).toThrow(/measured by redirect, aggregate, bundles: run `npm run bench -- redirect aggregate bundles cost`/);
    expect(() => checkCostInputs(['redirect', 'aggregate', 'bundles', 'cost'], undefined)).not.toThrow();
    expect(() => checkCostInputs(['redirect'], undefined)).not.toThrow();
  });
});
