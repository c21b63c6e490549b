/**
 * The local runtime's durable file of clicks neither engine took, re-appended to the real event
 * log (DynamoDB Local) without a human: kept while the log is down, appended once it is back,
 * never lost when a click arrives mid-replay, and readable by `reftrack recover --from-log`.
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dynamodb } from '../support/clients.ts';
import { DynamoClickLog } from '../../adapters/dynamodb-click-log.ts';
import type { ClickEvent } from '../../core/click-event.ts';
import type { ClickLog } from '../../core/ports.ts';
import { parseUnrecordedLine } from '../../core/recovery.ts';
import { UnrecordedJournal } from '../../local/unrecorded-journal.ts';
import { click } from '../support/click-events.ts';
import { freshTables } from '../support/tables.ts';

/** The event log during an outage: every append fails the way the adapter reports it. */
const downLog: ClickLog = { append: async () => Promise.reject(new Error('ECONNREFUSED')) };

describe('unrecorded clicks journal (local runtime)', () => {
  it('keeps clicks while the log is down, re-appends them once it is back, exactly once', async () => {
    const tables = await freshTables();
    const log = new DynamoClickLog(dynamodb, tables.events);
    const journal = new UnrecordedJournal(mkdtempSync(join(tmpdir(), 'reftrack-unrecorded-')));
    const events = [click({ visitor: 'a' }), click({ visitor: 'b' }), click({ visitor: 'c' })];
    for (const e of events) journal.keep(e);
    // Every line is a `click-unrecorded` log line, so `reftrack recover --from-log` reads the file too.
    const lines = readFileSync(journal.file, 'utf8').trim().split('\n');
    expect(lines.map((l) => parseUnrecordedLine(l).kind)).toEqual(['event', 'event', 'event']);

    expect(await journal.replay(downLog)).toEqual({ appended: 0, alreadyPresent: 0, kept: 3, invalid: 0 });
    expect(journal.pending()).toBe(true);

    // One of them did land after all (a write that timed out but succeeded).
    await log.append(events[1]!);
    expect(await journal.replay(log)).toEqual({ appended: 2, alreadyPresent: 1, kept: 0, invalid: 0 });
    expect(journal.pending()).toBe(false);
    for (const e of events) expect(await log.forVendorDay(e.vendorCode, e.day, 10)).toContainEqual(e);
    expect(await journal.replay(log)).toEqual({ appended: 0, alreadyPresent: 0, kept: 0, invalid: 0 });
  });

  it('a click kept while a replay runs is not lost; a replay interrupted by a crash is finished next time', async () => {
    const tables = await freshTables();
    const real = new DynamoClickLog(dynamodb, tables.events);
    const dir = mkdtempSync(join(tmpdir(), 'reftrack-unrecorded-'));
    const journal = new UnrecordedJournal(dir);
    const first = click({ visitor: 'x' });
    const during = click({ visitor: 'y' });
    journal.keep(first);
    // The log is slow: while the replay waits on it, the redirect keeps another click.
    const slowLog: ClickLog = { append: async (e: ClickEvent) => (journal.keep(during), real.append(e)) };
    expect(await journal.replay(slowLog)).toMatchObject({ appended: 1, kept: 0 });
    expect(journal.pending()).toBe(true);
    expect(await journal.replay(real)).toMatchObject({ appended: 1 });
    expect(await real.forVendorDay(during.vendorCode, during.day, 10)).toContainEqual(during);

    // A crash after the rename: the renamed file (with a torn last line) is picked up by a new journal.
    const crashed = click({ visitor: 'z' });
    writeFileSync(join(dir, 'unrecorded.replaying.ndjson'), `${JSON.stringify({ message: 'click-unrecorded', clickEvent: crashed })}\n{"message":"click-unrec`);
    const restarted = new UnrecordedJournal(dir);
    expect(restarted.pending()).toBe(true);
    expect(await restarted.replay(real)).toEqual({ appended: 1, alreadyPresent: 0, kept: 0, invalid: 1 });
    expect(existsSync(join(dir, 'unrecorded.replaying.ndjson'))).toBe(false);
  });
});
