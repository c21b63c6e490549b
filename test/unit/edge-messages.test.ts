/** What the small rules say at their edges: bot verdicts, fetch metadata, export lines, cards, QR images. */
import { describe, expect, it } from 'vitest';
import { classifyBot } from '../../core/bot.ts';
import { MalformedExportLineError, parseExportLine, toExportRecord } from '../../core/export-record.ts';
import { newCard, transition } from '../../core/outreach/approval-card.ts';
import { qrPng } from '../../core/outreach/qr-code.ts';
import type { VendorCode } from '../../core/vendor-code.ts';
import { sampleClickEvent } from '../support/click-events.ts';

const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

describe('classifyBot edges', () => {
  it('a purpose header that is not a speculative load does not make a bot', () => {
    expect(classifyBot({ userAgent: CHROME, purpose: 'navigate' })).toEqual({ isBot: false, reason: 'human', ruleVersion: 2 });
  });

  it('a user agent of only spaces is empty', () => {
    expect(classifyBot({ userAgent: '   ', purpose: undefined })).toEqual({ isBot: true, reason: 'empty-user-agent', ruleVersion: 2 });
  });

  it('only a top-level navigation of a document is a visit; either signal alone decides', () => {
    const fetch = (mode: string | null, dest: string | null) => ({ mode, dest, site: 'cross-site', user: false });
    const reasons = [fetch('navigate', 'document'), fetch('navigate', 'iframe'), fetch('cors', null), fetch(null, 'image'), fetch(null, null), fetch('navigate', null), fetch(null, 'document')].map(
      (f) => classifyBot({ userAgent: CHROME, purpose: undefined, fetch: f }).reason,
    );
    expect(reasons).toEqual(['human', 'subresource', 'subresource', 'subresource', 'human', 'human', 'human']);
  });
});

describe('parseExportLine messages', () => {
  const record = () => toExportRecord(sampleClickEvent());

  it('says a line is not JSON, with the parser message, and keeps the parser error as the cause', () => {
    let caught: unknown;
    try {
      parseExportLine('{"schema":');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MalformedExportLineError);
    expect((caught as Error).message).toMatch(/^not JSON: \S/);
    expect((caught as Error).cause).toBeInstanceOf(SyntaxError);
  });

  it('names up to three bad fields by path, then how many more', () => {
    expect(() => parseExportLine(JSON.stringify({ ...record(), day: 5 }))).toThrow(new MalformedExportLineError('day: Invalid input: expected string, received number'));
    const four = { ...record(), day: 5, ts: 5, clickId: 5, vendorName: 5 };
    expect(() => parseExportLine(JSON.stringify(four))).toThrow(/^[a-zA-Z]+: [^;]+; [a-zA-Z]+: [^;]+; [a-zA-Z]+: [^;]+ \(and 1 more\)$/);
    const three = { ...record(), day: 5, ts: 5, clickId: 5 };
    expect(() => parseExportLine(JSON.stringify(three))).toThrow(/^[a-zA-Z]+: [^;]+; [a-zA-Z]+: [^;]+; [a-zA-Z]+: [^;(]+$/);
    expect(() => parseExportLine('[]')).toThrow(new MalformedExportLineError('(line): Invalid input: expected object, received array'));
  });

  it('a record of an event without a network hash has no networkHash key at all', () => {
    const { networkHash: _drop, ...legacy } = sampleClickEvent();
    expect(Object.keys(toExportRecord(legacy))).not.toContain('networkHash');
  });
});

describe('approval card messages', () => {
  it('lists every status a card can go to, comma-separated', () => {
    const card = newCard({ vendorCode: 'solare' as VendorCode, cardType: 'vendor-approval', previewUrl: 'https://ref.example.com/outreach#solare' }, new Date('2026-11-25T17:00:00.000Z'));
    expect(() => transition(card, 'sent', new Date('2026-11-25T18:00:00.000Z'))).toThrow('card solare cannot go from pending-send to sent (from pending-send it can go to: approved, rejected)');
  });
});

describe('QR images', () => {
  const pngSize = (png: Buffer) => [png.readUInt32BE(16), png.readUInt32BE(20)];
  it('are PNGs of the width asked for, 480 pixels square by default', async () => {
    expect(pngSize(await qrPng('https://ref.example.com/ref/solare?utm_content=qr'))).toEqual([480, 480]);
    expect(pngSize(await qrPng('https://ref.example.com/ref/solare?utm_content=qr', 200))).toEqual([200, 200]);
  });
});
