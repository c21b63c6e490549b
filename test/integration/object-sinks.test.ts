import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalDirectoryObjectSink } from '../../adapters/local-object-sink.ts';
import { S3ObjectSink } from '../../adapters/s3-object-sink.ts';
import { StoreUnavailableError, ValidationError } from '../../core/errors.ts';

describe('LocalDirectoryObjectSink', () => {
  const root = mkdtempSync(join(tmpdir(), 'reftrack-sink-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes <root>/<bucket>/<key>, replaces on republish and leaves no temp files', async () => {
    const sink = new LocalDirectoryObjectSink(root, 'reftrack-assets');
    await sink.put('vendor-referral/templates/boardbrew-preview.html', '<p>v1</p>', 'text/html');
    await sink.put('vendor-referral/templates/boardbrew-preview.html', '<p>v2</p>', 'text/html');
    await sink.put('vendor-referral/qr/boardbrew.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47]), 'image/png');
    const dir = join(root, 'reftrack-assets', 'vendor-referral');
    expect(readFileSync(join(dir, 'templates', 'boardbrew-preview.html'), 'utf8')).toBe('<p>v2</p>');
    expect([...readFileSync(join(dir, 'qr', 'boardbrew.png'))]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(readdirSync(join(dir, 'templates'))).toEqual(['boardbrew-preview.html']);
    expect(sink.describe('vendor-referral/qr/boardbrew.png')).toBe(join(dir, 'qr', 'boardbrew.png'));
  });

  it('refuses a key that would leave the bucket directory', async () => {
    const sink = new LocalDirectoryObjectSink(root, 'reftrack-assets');
    await expect(sink.put('../outside.html', 'x', 'text/html')).rejects.toThrow(ValidationError);
    await expect(sink.put('vendor-referral/../../reftrack-assets-evil/x.html', 'x', 'text/html')).rejects.toThrow(ValidationError);
    expect(readdirSync(root)).toEqual(['reftrack-assets']);
  });
});

/**
 * No S3 emulator runs here, so this checks the request the adapter sends (the S3 REST
 * PutObject call, path-style) against a plain HTTP listener, and the error translation.
 */
describe('S3ObjectSink (wire level)', () => {
  let server: Server;
  let endpoint: string;
  const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }> = [];
  let failNext = false;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
        if (failNext) {
          res.writeHead(403, { 'content-type': 'application/xml' }).end('<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>denied</Message></Error>');
          return;
        }
        res.writeHead(200, { etag: '"abc"' }).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const client = () => new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, maxAttempts: 1, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

  it('PUTs the object with its content type and a short cache life', async () => {
    const sink = new S3ObjectSink(client(), 'reftrack-assets');
    await sink.put('vendor-referral/templates/boardbrew-preview.html', '<p>Board &amp; Brew</p>', 'text/html; charset=utf-8');
    const req = seen.at(-1)!;
    expect(req.method).toBe('PUT');
    expect(req.url?.split('?')[0]).toBe('/reftrack-assets/vendor-referral/templates/boardbrew-preview.html');
    expect(req.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(req.headers['cache-control']).toBe('max-age=300');
    expect(req.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
    expect(req.body.toString()).toBe('<p>Board &amp; Brew</p>');
    expect(sink.describe('vendor-referral/qr/x.png')).toBe('s3://reftrack-assets/vendor-referral/qr/x.png');
  });

  it('turns an S3 refusal into StoreUnavailableError naming the object', async () => {
    failNext = true;
    const sink = new S3ObjectSink(client(), 'reftrack-assets');
    const attempt = sink.put('vendor-referral/qr/boardbrew.png', new Uint8Array([1]), 'image/png');
    await expect(attempt).rejects.toThrow(StoreUnavailableError);
    await expect(sink.put('vendor-referral/qr/boardbrew.png', new Uint8Array([1]), 'image/png')).rejects.toThrow('upload s3://reftrack-assets/vendor-referral/qr/boardbrew.png failed (AccessDenied)');
    failNext = false;
  });
});
