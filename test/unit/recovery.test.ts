/**
 * `reftrack recover --from-log`: a click neither the event log nor the spill took is one
 * `click-unrecorded` log line; this is the parser that turns that line back into the click.
 * The line is written by a real Powertools logger, the way the redirect function writes it.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { telemetryConfig } from '../../config/config.ts';
import { PowertoolsTelemetry } from '../../adapters/telemetry.ts';
import { CachedVendorDirectory } from '../../core/cached-vendor-directory.ts';
import { StoreUnavailableError } from '../../core/errors.ts';
import { parseCidrs } from '../../core/internal-traffic.ts';
import { parseUnrecordedLine, UNRECORDED_MESSAGE } from '../../core/recovery.ts';
import { Vendor } from '../../core/vendor.ts';
import { createRedirectApp } from '../../http/redirect-app.ts';
import { sampleClickEvent } from '../support/click-events.ts';

/** Every line `run` writes to stdout or stderr. */
async function capture(run: () => unknown): Promise<string[]> {
  const written: string[] = [];
  const keep = (chunk: unknown) => (written.push(String(chunk)), true);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(keep);
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(keep);
  try {
    await run();
  } finally {
    err.mockRestore();
    out.mockRestore();
  }
  return written.join('').split('\n').filter((l) => l !== '');
}

/** What one `logger.error(UNRECORDED_MESSAGE, …)` writes, as text. */
async function unrecordedLogLine(fields: Record<string, unknown>): Promise<string> {
  const lines = await capture(() => new Logger({ serviceName: 'reftrack-redirect', logLevel: 'ERROR' }).error(UNRECORDED_MESSAGE, fields));
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

afterEach(() => vi.restoreAllMocks());

describe('parseUnrecordedLine', () => {
  const event = sampleClickEvent();

  it('recovers the whole click from the line the redirect logs', async () => {
    const line = await unrecordedLogLine({ clickEvent: event, error: new StoreUnavailableError('event log and spill both down') });
    expect(line).not.toContain('\n');
    expect(parseUnrecordedLine(line)).toEqual({ kind: 'event', event });
  });

  it('recovers it from a CloudWatch export line too (timestamp, request id and level before the JSON)', async () => {
    const json = await unrecordedLogLine({ clickEvent: event });
    const exported = `2026-11-25T18:30:00.200Z\t6f2c1f0e-1111-4c2b-9f3e-000000000000\tERROR\t${json}`;
    expect(parseUnrecordedLine(exported)).toEqual({ kind: 'event', event });
  });

  it('leaves every other log line alone', () => {
    expect(parseUnrecordedLine('')).toEqual({ kind: 'other' });
    expect(parseUnrecordedLine('START RequestId: 6f2c Version: $LATEST')).toEqual({ kind: 'other' });
    // Braces but not ours, even when it is not JSON.
    expect(parseUnrecordedLine('REPORT {Duration: 3 ms}')).toEqual({ kind: 'other' });
    expect(parseUnrecordedLine(JSON.stringify({ level: 'INFO', message: 'click recorded', clickId: event.clickId }))).toEqual({ kind: 'other' });
    // The message word appearing elsewhere (a hostile path) does not make it an unrecorded click.
    expect(parseUnrecordedLine(JSON.stringify({ level: 'INFO', message: 'orphan visit', path: `/ref/${UNRECORDED_MESSAGE}`, clickEvent: event }))).toEqual({ kind: 'other' });
    expect(parseUnrecordedLine(`click-unrecorded with no JSON`)).toEqual({ kind: 'other' });
  });

  it('a damaged unrecorded line is reported as such, saying what is wrong', async () => {
    const line = await unrecordedLogLine({ clickEvent: event });
    expect(parseUnrecordedLine(line.slice(0, -10))).toEqual({ kind: 'invalid', reason: 'not valid JSON' });
    const noId = JSON.stringify({ message: UNRECORDED_MESSAGE, clickEvent: { ...event, clickId: 'not-a-ulid' } });
    expect(parseUnrecordedLine(noId)).toEqual({ kind: 'invalid', reason: 'clickEvent is not a valid click event: clickId Invalid string: must match pattern /^[0-9A-HJKMNP-TV-Z]{26}$/' });
    const nested = JSON.stringify({ message: UNRECORDED_MESSAGE, clickEvent: { ...event, bot: { ...event.bot, ruleVersion: 0 } } });
    expect(parseUnrecordedLine(nested)).toEqual({ kind: 'invalid', reason: expect.stringMatching(/^clickEvent is not a valid click event: bot\.ruleVersion Too small/) });
    expect(parseUnrecordedLine(JSON.stringify({ message: UNRECORDED_MESSAGE }))).toEqual({ kind: 'invalid', reason: 'clickEvent is not a valid click event:  Invalid input: expected object, received undefined' });
  });
});

describe('the redirect and recover agree on the line', () => {
  it('a click neither the event log nor the spill took is logged by the redirect app as a line recover turns back into that click', async () => {
    const attempted: unknown[] = [];
    const down = async (event: unknown) => {
      attempted.push(event);
      throw new StoreUnavailableError('down');
    };
    const app = createRedirectApp({
      vendors: new CachedVendorDirectory({ list: async () => [Vendor.parse({ code: 'solare', name: 'Solare' })] }, { now: () => new Date() }, 60_000),
      clicks: { append: down },
      spill: { spill: down },
      clock: { now: () => new Date('2026-11-25T20:00:00.000Z') },
      ids: { clickId: () => '01M89F3BDQJTPWEVZD4P6K8KVC' },
      settings: { defaultDestination: 'https://queenofsandiego.com/', fallbackUrl: 'https://queenofsandiego.com/?from=fallback', timeZone: 'America/Los_Angeles', utmPreset: 'ga4', visitorHashKey: 'k'.repeat(32), internalRanges: parseCidrs([]), writeBudgetMs: 1_000 },
      clientIp: () => '198.51.100.7',
      trustCloudFront: false,
      // The redirect function's own telemetry, logging at ERROR (the tests' default is silent).
      telemetry: new PowertoolsTelemetry(telemetryConfig({ POWERTOOLS_SERVICE_NAME: 'reftrack-redirect', POWERTOOLS_LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true' })),
    });
    let location: string | null = null;
    const lines = await capture(async () => {
      location = (await app.request('/ref/solare?utm_content=qr', { headers: { 'user-agent': 'Mozilla/5.0 (iPhone)' } })).headers.get('location');
    });
    expect(location).toBe('https://queenofsandiego.com/?utm_source=solare&utm_medium=referral&utm_campaign=vendor-referral&utm_content=qr&ref_cid=01M89F3BDQJTPWEVZD4P6K8KVC');
    const recovered = lines.map(parseUnrecordedLine).filter((r) => r.kind !== 'other');
    expect(recovered).toHaveLength(1);
    // Exactly the click the event log and the spill were asked to take.
    expect(attempted).toHaveLength(2);
    expect(recovered[0]).toEqual({ kind: 'event', event: attempted[0] });
    expect(attempted[1]).toEqual(attempted[0]);
    expect(attempted[0]).toMatchObject({ clickId: '01M89F3BDQJTPWEVZD4P6K8KVC', vendorCode: 'solare', day: '2026-11-25', placement: 'qr', destination: location });
    // The address itself is never in the log line, only its keyed hashes.
    expect(lines.join('\n')).not.toContain('198.51.100.7');
  });
});
