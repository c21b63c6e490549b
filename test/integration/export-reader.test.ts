/** Reading damaged exports: the damage is reported with file and line, and everything else is still read. */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ExportReader, parseExportSource, partitionPrefix } from '../../adapters/export-reader.ts';
import { s3 } from '../support/clients.ts';
import type { BusinessDay } from '../../core/business-day.ts';
import { ValidationError } from '../../core/errors.ts';
import { toExportLine } from '../../core/export-record.ts';
import { sampleClickEvent } from '../support/click-events.ts';
import { tmpDataDir } from '../support/export.ts';

const DAY = '2026-11-25' as BusinessDay;
const lines = (n: number) => Array.from({ length: n }, () => toExportLine(sampleClickEvent()));
const idOf = (line: string) => JSON.parse(line).clickId as string;

function damagedExport() {
  const root = tmpDataDir();
  const dir = join(root, partitionPrefix(DAY));
  mkdirSync(dir, { recursive: true });
  const good = lines(3);
  const withBadLine = lines(3);
  const long = lines(200);
  const files = {
    a: gzipSync(good.join('')),
    b: gzipSync(`${withBadLine[0]}{"schema":"reftrack.click/1","clickId":\n${withBadLine[1]}${withBadLine[2]}`),
    // Cut in the middle: a crash while copying, say.
    c: gzipSync(long.join('')).subarray(0, 4_000),
  };
  writeFileSync(join(dir, 'reftrack-clicks-1-2026-11-25-10-00-00-a.gz'), files.a);
  writeFileSync(join(dir, 'reftrack-clicks-1-2026-11-25-10-00-01-b.gz'), files.b);
  writeFileSync(join(dir, 'reftrack-clicks-1-2026-11-25-10-00-02-c.gz'), files.c);
  return { root, good, withBadLine, long, files };
}

describe('export reader', () => {
  it('reports a bad JSON line and a truncated gzip with file and line, and still reads the rest', async () => {
    const { root, good, withBadLine, long, files } = damagedExport();
    const read = await new ExportReader(s3).read({ kind: 'dir', root }, DAY, DAY);
    const ids = read.records.map((r) => r.clickId);

    expect(ids.slice(0, 3)).toEqual(good.map(idOf));
    expect(ids.slice(3, 6)).toEqual([withBadLine[0], withBadLine[1], withBadLine[2]].map((l) => idOf(l!)));
    const salvaged = ids.slice(6);
    expect(salvaged.length).toBeGreaterThan(10);
    expect(salvaged.length).toBeLessThan(long.length);
    expect(salvaged).toEqual(long.slice(0, salvaged.length).map(idOf));

    const b = 'events/dt=2026-11-25/reftrack-clicks-1-2026-11-25-10-00-01-b.gz';
    const c = 'events/dt=2026-11-25/reftrack-clicks-1-2026-11-25-10-00-02-c.gz';
    expect(read.problems).toContainEqual({ key: b, line: 2, message: expect.stringMatching(/not JSON/) });
    expect(read.problems).toContainEqual({ key: c, message: expect.stringMatching(/damaged gzip/) });
    // The truncated object's last, cut-off line is reported at its line number.
    expect(read.problems.filter((p) => p.key === c && p.line === salvaged.length + 1)).toHaveLength(1);
    expect(read.problems).toHaveLength(3);

    expect(read.objects.map((o) => [o.key.split('-').at(-1), o.records, o.sha256])).toEqual([
      ['a.gz', 3, createHash('sha256').update(files.a).digest('hex')],
      ['b.gz', 3, createHash('sha256').update(files.b).digest('hex')],
      ['c.gz', salvaged.length, createHash('sha256').update(files.c).digest('hex')],
    ]);
  });

  it('`exports cat` prints the readable records, reports damage on stderr, exits 1', () => {
    const { root } = damagedExport();
    const cli = spawnSync(process.execPath, [resolve('cli/bin.js'), 'exports', 'cat', '--day', DAY, '--source', root], { encoding: 'utf8' });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toMatch(/reftrack-clicks-1-2026-11-25-10-00-01-b\.gz:2: not JSON/);
    expect(cli.stderr).toMatch(/10-00-02-c\.gz: damaged gzip/);
    expect(cli.stdout.trimEnd().split('\n').length).toBeGreaterThan(16);
  });

  it.each([
    [['exports', 'cat']],
    [['exports', 'cat', '--day', '2026-02-30']],
    [['exports', 'ls', '--from', '2026-11-30', '--to', '2026-11-01']],
    [['exports', 'ls', '--from', '2025-01-01', '--to', '2026-12-31']],
    [['exports', 'cat', '--day', '2026-11-25', '--source', 's3://Bad_Bucket']],
    [['exports', 'rm']],
  ])('exits 2 with the usage on a bad argument: %j', (argv) => {
    const cli = spawnSync(process.execPath, [resolve('cli/bin.js'), ...argv], { encoding: 'utf8' });
    expect(cli.status).toBe(2);
    expect(cli.stderr).toContain('usage: reftrack exports');
  });

  it('parses s3:// sources', () => {
    expect(parseExportSource('s3://acme-exports')).toEqual({ kind: 's3', bucket: 'acme-exports', prefix: '' });
    expect(parseExportSource('s3://acme-exports/finance')).toEqual({ kind: 's3', bucket: 'acme-exports', prefix: 'finance/' });
    expect(parseExportSource('./.data/s3/b')).toEqual({ kind: 'dir', root: './.data/s3/b' });
    expect(() => parseExportSource('s3://')).toThrow(ValidationError);
  });
});
