/**
 * One real bundling run, as `npm run synth` does it: esbuild (never Docker) builds every
 * function, and the redirect bundle, imported the way Lambda imports it, answers a function URL
 * event (a request CloudFront signed through its origin access control) with a 302 and appends
 * the click to the test's DynamoDB Local.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamodb } from '../support/clients.ts';
import { DynamoClickLog } from '../../adapters/dynamodb-click-log.ts';
import type { TableNames } from '../../adapters/provision.ts';
import { businessDay } from '../../core/business-day.ts';
import { networkHash } from '../../core/visitor.ts';
import type { VendorCode } from '../../core/vendor-code.ts';
import { RollupReader } from '../../adapters/dynamodb-rollup-reader.ts';
import { RollupGenerations } from '../../adapters/rollup-generation.ts';
import { insertRecord, streamEvent } from '../support/stream-records.ts';
import { freshTables } from '../support/tables.ts';

const run = promisify(execFile);

describe('cdk synth with real bundling', () => {
  const out = mkdtempSync(join(tmpdir(), 'reftrack-synth-'));
  const bundles = new Map<string, string>();
  let tables: TableNames;

  beforeAll(async () => {
    tables = await freshTables();
    await run('npx', ['cdk', 'synth', '--quiet', '--output', out], { maxBuffer: 16 * 1024 * 1024 });
    for (const file of readdirSync(out).filter((f) => f.endsWith('.template.json'))) {
      const template = JSON.parse(readFileSync(join(out, file), 'utf8'));
      for (const resource of Object.values<any>(template.Resources)) {
        const service = resource.Properties?.Environment?.Variables?.POWERTOOLS_SERVICE_NAME;
        if (resource.Type === 'AWS::Lambda::Function' && service) bundles.set(service, join(out, resource.Metadata['aws:asset:path'], 'index.mjs'));
      }
    }
  }, 180_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('bundles every function as an ESM file', () => {
    expect([...bundles.keys()]).toEqual(expect.arrayContaining(['aggregate', 'export', 'redirect', 'spill-drain']));
    for (const file of bundles.values()) expect(readFileSync(file, 'utf8').length).toBeGreaterThan(1_000);
  });

  it('bundles every package a function runs, except the S3 client the deploy-time vendor seed takes from the Lambda runtime', () => {
    // Bare specifiers a bundle still imports (node: built-ins aside) are what the runtime must provide.
    const external = (file: string) => [...new Set([...readFileSync(file, 'utf8').matchAll(/\bimport\s*(?:\{[^}]*\}|\*\s*as\s*[\w$]+|[\w$]+)?\s*(?:from)?\s*\(?\s*["']((?:@[\w-]+\/)?[\w-][\w.-]*(?:\/[\w.-]+)*)["']/g)].map((m) => m[1]!).filter((m) => !m.startsWith('node:')))].sort();
    for (const [service, file] of bundles) expect(external(file), service).toEqual(service === 'vendor-seed' ? ['@aws-sdk/client-s3'] : []);
  });

  it('the bundled redirect answers a function URL event from CloudFront with a 302 and records the click; the bundled aggregate consumer counts it once from its stream records', async () => {
    // The bundle reads its configuration at import, as on Lambda: give it this test's tables, and
    // the deployed trust settings (no origin secret: only CloudFront can call the URL).
    Object.assign(process.env, { EVENTS_TABLE: tables.events, STATE_TABLE: tables.state, TRUST_CLOUDFRONT_HEADERS: 'true', ORIGIN_ACCESS_CONTROL: 'true' });
    const { handler } = await import(pathToFileURL(bundles.get('redirect')!).href);
    const host = 'abcdefghij0123456789klmnop.lambda-url.us-east-1.on.aws';
    const response = await handler(
      {
        // What a function URL hands the function for a request CloudFront signed (OAC): payload 2.0,
        // the caller's IAM identity, CloudFront's edge as the source address, the viewer's in the header.
        version: '2.0',
        routeKey: '$default',
        rawPath: '/ref/smallgoods',
        rawQueryString: 'utm_content=qr',
        headers: { host, 'user-agent': 'Mozilla/5.0 (iPhone) Safari/604.1', 'x-forwarded-proto': 'https', 'cloudfront-viewer-address': '192.0.2.77:40123', 'cloudfront-viewer-country': 'MX', via: '2.0 0123abcd.cloudfront.net (CloudFront)' },
        queryStringParameters: { utm_content: 'qr' },
        requestContext: {
          accountId: '123456789012',
          apiId: 'abcdefghij0123456789klmnop',
          authorizer: { iam: { accessKey: 'ASIAEXAMPLE', accountId: '123456789012', callerId: 'AROAEXAMPLE:cloudfront', cognitoIdentity: null, principalOrgId: null, userArn: 'arn:aws:sts::123456789012:assumed-role/cloudfront/x', userId: 'AROAEXAMPLE:cloudfront' } },
          domainName: host,
          domainPrefix: 'abcdefghij0123456789klmnop',
          http: { method: 'GET', path: '/ref/smallgoods', protocol: 'HTTP/1.1', sourceIp: '130.176.0.9', userAgent: 'Amazon CloudFront' },
          requestId: 'r1',
          routeKey: '$default',
          stage: '$default',
          time: '01/Dec/2026:19:00:00 +0000',
          timeEpoch: Date.now(),
        },
        isBase64Encoded: false,
      },
      { functionName: 'redirect', awsRequestId: 'r1', getRemainingTimeInMillis: () => 5_000 },
    );
    expect(response.statusCode).toBe(302);
    const location = new URL(response.headers.location);
    expect(location.searchParams.get('utm_source')).toBe('smallgoods');
    const events = await new DynamoClickLog(dynamodb, tables.events).forVendorDay('smallgoods' as VendorCode, businessDay(new Date(), 'America/Los_Angeles'));
    expect(events.map((e) => e.clickId)).toEqual([location.searchParams.get('ref_cid')]);
    expect(events[0]!.placement).toBe('qr');
    // CloudFront's viewer country was believed without any origin secret; the edge's address was not the guest's.
    expect(events[0]!.country).toBe('MX');
    expect(events[0]!.networkHash).toBe(networkHash(process.env.VISITOR_HASH_KEY!, '192.0.2.77', events[0]!.day));

    // The bundled aggregate consumer, given the stream record of that click as Lambda gives it, counts it.
    const { handler: aggregate } = await import(pathToFileURL(bundles.get('aggregate')!).href);
    const batch = streamEvent(events.map(insertRecord));
    for (let delivery = 0; delivery < 2; delivery++) expect(await aggregate(batch, { functionName: 'aggregate', awsRequestId: `a${delivery}`, getRemainingTimeInMillis: () => 60_000 })).toEqual({ batchItemFailures: [] });
    const reader = new RollupReader(dynamodb, tables.state, new RollupGenerations(dynamodb, tables.state, 0));
    const today = businessDay(new Date(), 'America/Los_Angeles');
    expect((await reader.range('smallgoods' as VendorCode, today, today)).total).toMatchObject({ clicks: 1, qualifiedClicks: 1 });
  });
});
