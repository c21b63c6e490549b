/** The GA4 CSV reader: every column name GA4 uses, every row it adds, every problem by line. */
import { describe, expect, it } from 'vitest';
import { csvCell, csvLine, parseCsv } from '../../../core/finance/csv.ts';
import { attribute, parseGa4Csv } from '../../../core/finance/ga4.ts';

describe('parseGa4Csv', () => {
  it('reads API column names, a ref_cid custom dimension and a BOM; normalises source, medium and click ids', () => {
    const text = '\uFEFFdate,sessionSource,sessionMedium,sessionCampaignName,customEvent:ref_cid,sessions\n20261103,Solare,Referral,vendor-referral,01kaxyz,3\n20261104,puesto,referral,(not set),(not set),1\n';
    expect(parseGa4Csv(text, 'api.csv')).toEqual({
      rows: [
        { line: 1 + 1, day: '2026-11-03', source: 'solare', medium: 'referral', campaign: 'vendor-referral', refCid: '01KAXYZ', sessions: 3 },
        { line: 3, day: '2026-11-04', source: 'puesto', medium: 'referral', campaign: null, refCid: null, sessions: 1 },
      ],
      problems: [],
      hasRefCid: true,
      skippedTables: [],
    });
  });

  it('short labels (Source, Medium, Campaign) and no campaign column at all', () => {
    const short = parseGa4Csv('Date,Source,Medium,Campaign,Sessions\n20261103,solare,referral,(other),2\n', 'a.csv');
    expect(short.rows).toEqual([{ line: 2, day: '2026-11-03', source: 'solare', medium: 'referral', campaign: null, refCid: null, sessions: 2 }]);
    const none = parseGa4Csv('Date,Session source,Session medium,Sessions\n20261103,solare,referral,2\n', 'b.csv');
    expect(none.rows).toEqual([{ line: 2, day: '2026-11-03', source: 'solare', medium: 'referral', campaign: null, refCid: null, sessions: 2 }]);
    expect(none.hasRefCid).toBe(false);
    const named = parseGa4Csv('Date,Session source,Session medium,Session campaign name,Sessions\n20261103,solare,referral,spring,2\n', 'c.csv');
    expect(named.rows[0]!.campaign).toBe('spring');
  });

  it('placeholders GA4 writes for a missing value are no value', () => {
    const text = ['Date,Session source,Session medium,Session campaign,ref_cid,Sessions', ...['', '(not set)', '(none)', '(direct)', '(other)'].map((v) => `20261103,solare,referral,${v},${v},1`)].join('\n');
    expect(parseGa4Csv(text, 'x.csv').rows.map((r) => [r.campaign, r.refCid])).toEqual(Array.from({ length: 5 }, () => [null, null]));
  });

  it('skips totals rows in every spelling and rows without a date', () => {
    const text = ['Date,Session source,Session medium,Sessions', 'Grand total,,,9', 'Totals,,,9', 'total,,,9', 'TOTAL,,,9', ',solare,referral,9', '20261103,solare,referral,1'].join('\n');
    const parsed = parseGa4Csv(text, 'x.csv');
    expect(parsed.rows.map((r) => r.line)).toEqual([7]);
    expect(parsed.problems).toEqual([]);
  });

  it('a date that only looks like a total is a problem, not skipped', () => {
    expect(parseGa4Csv('Date,Session source,Session medium,Sessions\nsubtotal,,,9\n', 'x.csv').problems).toEqual([{ file: 'x.csv', line: 2, message: 'date "subtotal" is not YYYYMMDD' }]);
  });

  it('reports bad dates and sessions by line, quoting at most 20 characters, and keeps the other rows', () => {
    const text = [
      'Date,Session source,Session medium,Sessions',
      '2026-11-03,solare,referral,1',
      `${'9'.repeat(30)},solare,referral,1`,
      '20261103,solare,referral,-1',
      `20261103,solare,referral,${'x'.repeat(30)}`,
      '20261103,solare,referral,1.5',
      '20261103,solare,referral," 7 "',
    ].join('\n');
    const parsed = parseGa4Csv(text, 'g.csv');
    expect(parsed.problems).toEqual([
      { file: 'g.csv', line: 2, message: 'date "2026-11-03" is not YYYYMMDD' },
      { file: 'g.csv', line: 3, message: `date "${'9'.repeat(20)}" is not YYYYMMDD` },
      { file: 'g.csv', line: 4, message: 'sessions "-1" is not a whole number' },
      { file: 'g.csv', line: 5, message: `sessions "${'x'.repeat(20)}" is not a whole number` },
      { file: 'g.csv', line: 6, message: 'sessions "1.5" is not a whole number' },
    ]);
    expect(parsed.rows.map((r) => [r.line, r.sessions])).toEqual([[7, 7]]);
  });

  it('a table needs all four of Date, source, medium and Sessions; later tables are read too', () => {
    const text = [
      '# report',
      'Date,Session source,Sessions',
      '20261103,solare,5',
      '',
      'Date,Session source,Session medium,Sessions',
      '20261104,solare,referral,2',
      '# another',
      'Date,Session medium,Sessions',
      '20261105,referral,1',
    ].join('\n');
    const parsed = parseGa4Csv(text, 'x.csv');
    expect(parsed.skippedTables).toEqual([2, 8]);
    expect(parsed.rows.map((r) => [r.line, r.day])).toEqual([[6, '2026-11-04']]);
    expect(parsed.problems).toEqual([]);
    // Without a blank line or comment, the next line is a row of the same table, not a header.
    expect(parseGa4Csv('Date,Session source,Session medium,Sessions\nDate,Session source,Session medium,Sessions\n', 'y.csv').problems).toEqual([{ file: 'y.csv', line: 2, message: 'date "Date" is not YYYYMMDD' }]);
  });

  it('a table without a medium column, or one missing source or date, is skipped', () => {
    for (const header of ['Session source,Session medium,Sessions', 'Date,Session medium,Sessions', 'Date,Session source,Session medium']) {
      const parsed = parseGa4Csv(`${header}\n1,2,3\n`, 'x.csv');
      expect(parsed.skippedTables, header).toEqual([1]);
      expect(parsed.rows, header).toEqual([]);
    }
  });

  it('the first of two columns with the same meaning is used', () => {
    const parsed = parseGa4Csv('Date,Session source,Source,Session medium,Sessions\n20261103,solare,google,referral,1\n', 'x.csv');
    expect(parsed.rows[0]!.source).toBe('solare');
  });

  it('a row of blank cells ends the table like an empty line', () => {
    const parsed = parseGa4Csv('Date,Session source,Session medium,Sessions\n20261103,solare,referral,1\n , , , \nPage,Views\n/,3\n', 'x.csv');
    expect(parsed.rows).toHaveLength(1);
    expect(parsed.skippedTables).toEqual([4]);
    expect(parsed.problems).toEqual([]);
  });

  it('a file with no usable table is one problem; a file with only bad rows is those problems', () => {
    expect(parseGa4Csv('', 'empty.csv')).toEqual({ rows: [], problems: [{ file: 'empty.csv', line: 1, message: 'no table with Date, Session source, Session medium and Sessions columns' }], hasRefCid: false, skippedTables: [] });
    expect(parseGa4Csv('Date,Session source,Session medium,Sessions\nx,solare,referral,1\n', 'bad.csv').problems).toEqual([{ file: 'bad.csv', line: 2, message: 'date "x" is not YYYYMMDD' }]);
  });
});

describe('attribute', () => {
  const vendors = new Set(['solare', 'puesto']);
  it('ga4 preset by source, seed preset by medium under source=referral, anything else nobody', () => {
    expect(attribute({ source: 'solare', medium: 'anything' }, vendors)).toEqual({ vendor: 'solare', via: 'ga4-preset' });
    expect(attribute({ source: 'referral', medium: 'puesto' }, vendors)).toEqual({ vendor: 'puesto', via: 'seed-preset' });
    expect(attribute({ source: 'google', medium: 'puesto' }, vendors)).toBeNull();
    expect(attribute({ source: 'referral', medium: 'referral' }, vendors)).toBeNull();
  });
});

describe('CSV cells', () => {
  it('quotes a cell only when it holds a comma, a quote or a line break, doubling quotes', () => {
    expect(['plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\r', ''].map(csvCell)).toEqual(['plain', '"a,b"', '"say ""hi"""', '"two\nlines"', '"cr\r"', '']);
    expect(csvLine(['x', 1, true, null, undefined, 0])).toBe('x,1,true,,,0');
  });

  it('parses what it writes back into the same fields, with CRLF and a final line without newline', () => {
    const cells = ['a,b', 'say "hi"', 'two\nlines', 'plain'];
    expect(parseCsv(`${csvLine(cells)}\r\nlast`)).toEqual([
      { line: 1, fields: cells, raw: csvLine(cells) },
      { line: 3, fields: ['last'], raw: 'last' },
    ]);
    expect(parseCsv('a,,b\n\n')).toEqual([
      { line: 1, fields: ['a', '', 'b'], raw: 'a,,b' },
      { line: 2, fields: [''], raw: '' },
    ]);
    // A quote inside an unquoted field is a character like any other.
    expect(parseCsv('ab"c,d\n')[0]!.fields).toEqual(['ab"c', 'd']);
  });
});
