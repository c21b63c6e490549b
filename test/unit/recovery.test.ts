/**
 * `reftrack recover --from-log`: a click neither the event log nor the spill took is one
 * `click-unrecorded` log line; this is the parser that turns that line back into the click.
 * The line is written by a real Powertools logger, the way the redirect function writes it.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StoreUnavailableError } from '../../core/errors.ts';
import { parseUnrecordedLine, UNRECORDED_MESSAGE } from '../../core/recovery.ts';
import { sampleClickEvent } from '../support/click-events.ts';

/** What one `logger.error(UNRECORDED_MESSAGE, …)` writes, as text. */
function unrecordedLogLine(fields: Record<string, unknown>): string {
  const written: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
  const spyOut = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
  try {
    new Logger({ serviceName: 'reftrack-redirect', logLevel: 'ERROR' }).error(UNRECORDED_MESSAGE, fields);
  } finally {
    spy.mockRestore();
    spyOut.mockRestore();
  }
  expect(written).toHaveLength(1);
  return written[0]!.replace(/\n$/, '');
}

afterEach(() => vi.restoreAllMocks());

describe('parseUnrecordedLine', () => {
  const event = sampleClickEvent();

  it('recovers the whole click from the line the redirect logs', () => {
    const line = unrecordedLogLine({ clickEvent: event, error: new StoreUnavailableError('event log and spill both down') });
    expect(line).not.toContain('\n');
    expect(parseUnrecordedLine(line)).toEqual({ kind: 'event', event });
  });

  it('recovers it from a CloudWatch export line too (timestamp, request id and level before the JSON)', () => {
    const json = unrecordedLogLine({ clickEvent: event });
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

  it('a damaged unrecorded line is reported as such, saying what is wrong', () => {
    const line = unrecordedLogLine({ clickEvent: event });
    expect(parseUnrecordedLine(line.slice(0, -10))).toEqual({ kind: 'invalid', reason: 'not valid JSON' });
    const noId = JSON.stringify({ message: UNRECORDED_MESSAGE, clickEvent: { ...event, clickId: 'not-a-ulid' } });
    expect(parseUnrecordedLine(noId)).toEqual({ kind: 'invalid', reason: 'clickEvent is not a valid click event: clickId Invalid string: must match pattern /^[0-9A-HJKMNP-TV-Z]{26}$/' });
    const nested = JSON.stringify({ message: UNRECORDED_MESSAGE, clickEvent: { ...event, bot: { ...event.bot, ruleVersion: 0 } } });
    expect(parseUnrecordedLine(nested)).toEqual({ kind: 'invalid', reason: expect.stringMatching(/^clickEvent is not a valid click event: bot\.ruleVersion Too small/) });
    expect(parseUnrecordedLine(JSON.stringify({ message: UNRECORDED_MESSAGE }))).toEqual({ kind: 'invalid', reason: 'clickEvent is not a valid click event:  Invalid input: expected object, received undefined' });
  });
});
