import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamodb } from '../support/clients.ts';
import { DynamoApprovalCardStore } from '../../adapters/dynamodb-outreach-store.ts';
import type { TableNames } from '../../adapters/provision.ts';
import type { VendorCode } from '../../core/vendor-code.ts';
import { freshTables } from '../support/tables.ts';

const jsQR = jsQRModule.default;
const root = fileURLToPath(new URL('../..', import.meta.url));

describe('reftrack outreach (CLI as a child process, DynamoDB Local)', () => {
  let tables: TableNames;
  let dataDir: string;

  const run = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['cli/bin.js', 'outreach', ...args],
        {
          cwd: root,
          env: { ...process.env, EVENTS_TABLE: tables.events, STATE_TABLE: tables.state, DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT, REFTRACK_DATA_DIR: dataDir, PUBLIC_BASE_URL: 'https://ref.example.com' },
          timeout: 30_000,
        },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    tables = await freshTables();
    dataDir = mkdtempSync(join(tmpdir(), 'reftrack-outreach-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('add-task creates a pending-send card with the original flags; set-status approves it; list shows it', async () => {
    const add = await run('add-task', '--card-type', 'vendor-approval', '--vendor', 'boardbrew', '--preview-url', 'https://ref.example.com/outreach#boardbrew', '--status', 'pending-send');
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    expect(add.stdout).toContain('added vendor-approval card for boardbrew: pending-send');

    const approve = await run('set-status', '--vendor', 'boardbrew', '--status', 'approved', '--note', 'looks right');
    expect(approve.code).toBe(0);
    expect(approve.stdout.trim()).toBe('boardbrew: pending-send -> approved (looks right)');

    const stored = await new DynamoApprovalCardStore(dynamodb, tables.state).get('boardbrew' as VendorCode);
    expect(stored).toMatchObject({ status: 'approved', version: 2, previewUrl: 'https://ref.example.com/outreach#boardbrew' });

    const list = await run('list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^vendor\s+type\s+status/);
    expect(list.stdout).toMatch(/boardbrew\s+vendor-approval\s+approved\s/);
    const json = await run('list', '--json');
    expect(json.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([stored]);
  });

  it('an illegal transition prints a clear message and exits 1, leaving the card as it was', async () => {
    await run('add-task', '--card-type', 'vendor-approval', '--vendor', 'solare');
    expect((await run('set-status', '--vendor', 'solare', '--status', 'approved')).code).toBe(0);
    expect((await run('set-status', '--vendor', 'solare', '--status', 'sent')).code).toBe(0);
    const back = await run('set-status', '--vendor', 'solare', '--status', 'pending-send');
    expect(back.code).toBe(1);
    expect(back.stderr).toContain('card solare cannot go from sent to pending-send (sent is final)');
    expect((await new DynamoApprovalCardStore(dynamodb, tables.state).get('solare' as VendorCode))!.status).toBe('sent');
  });

  it('a second add-task, an unknown vendor and a missing card exit 1', async () => {
    const again = await run('add-task', '--card-type', 'vendor-approval', '--vendor', 'boardbrew');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('boardbrew already has an approval card (status approved)');
    expect((await run('add-task', '--card-type', 'vendor-approval', '--vendor', 'nosuchvendor')).code).toBe(1);
    const missing = await run('set-status', '--vendor', 'puesto', '--status', 'approved');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no approval card for vendor puesto');
  });

  it.each([
    [['set-status', '--vendor', 'boardbrew', '--status', 'done'], '--status'],
    [['set-status', '--status', 'approved'], '--vendor'],
    [['add-task', '--card-type', 'newsletter', '--vendor', 'puesto'], '--card-type'],
    [['add-task', '--card-type', 'vendor-approval', '--vendor', 'puesto', '--status', 'approved'], 'a new card starts as pending-send'],
    [['add-task', '--card-type', 'vendor-approval', '--vendor', 'puesto', '--preview-url', 'not a url'], '--preview-url'],
    [['add-task', '--card-type', 'vendor-approval', '--vendor', 'Bad Code!'], '--vendor'],
    [['render', '--bogus'], "Unknown option '--bogus'"],
    [['frobnicate'], 'unknown action "frobnicate"'],
  ])('bad arguments %j print what is wrong plus usage and exit 2', async (args, problem) => {
    const res = await run(...args);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(problem);
    expect(res.stderr).toContain('usage: reftrack outreach');
  });

  it('render writes the e-mail, PNG and SVG; the PNG decodes to the link with utm_content=qr', async () => {
    const res = await run('render', '--vendor', 'boardbrew');
    expect(res.code).toBe(0);
    const dir = join(dataDir, 'outreach');
    const html = readFileSync(join(dir, 'boardbrew.html'), 'utf8');
    expect(html).toContain('Hello Board &amp; Brew team,');
    expect(html).toContain('href="https://ref.example.com/ref/boardbrew?preview=vendor"');
    const image = PNG.sync.read(readFileSync(join(dir, 'boardbrew-qr.png')));
    expect(jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data).toBe('https://ref.example.com/ref/boardbrew?utm_content=qr');
    expect(readFileSync(join(dir, 'boardbrew-qr.svg'), 'utf8')).toMatch(/^<svg /);
    expect(existsSync(join(dir, 'solare.html'))).toBe(false);
  });

  it('render without --vendor covers every active vendor; publish writes the bucket layout locally', async () => {
    expect((await run('render')).code).toBe(0);
    for (const code of ['solare', 'smallgoods', 'puesto', 'boardbrew', 'wholefoods', 'totalwine', 'gbvintners']) expect(existsSync(join(dataDir, 'outreach', `${code}.html`)), code).toBe(true);

    const pub = await run('publish', '--vendor', 'boardbrew');
    expect(pub.code).toBe(0);
    const bucket = join(dataDir, 's3', 'reftrack-assets', 'vendor-referral');
    expect(readFileSync(join(bucket, 'templates', 'boardbrew-preview.html'), 'utf8')).toContain('Hello Board &amp; Brew team,');
    expect(existsSync(join(bucket, 'qr', 'boardbrew.png'))).toBe(true);
    expect(existsSync(join(bucket, 'qr', 'boardbrew.svg'))).toBe(true);
    expect(pub.stdout).toContain(join('vendor-referral', 'templates', 'boardbrew-preview.html'));
  });

  it('render for an unknown vendor exits 1', async () => {
    const res = await run('render', '--vendor', 'nosuchvendor');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('no vendor with code "nosuchvendor"');
  });
});
