/**
 * The redirect's and the booking endpoint's secret read, against an HTTP server that answers as
 * the AWS Parameters and Secrets Lambda Extension documents it (the extension itself only runs
 * inside Lambda): GET /secretsmanager/get?secretId=..., the session token required in
 * X-Aws-Parameters-Secrets-Token, GetSecretValue's JSON, and "not ready" (400) while it starts.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { secretsExtensionConfig } from '../../config/config.ts';
import { secretsExtensionReader } from '../../adapters/secrets-extension.ts';
import { resolveConversionSecret, resolveVisitorHashKey } from '../../adapters/visitor-key.ts';
import { ConfigError, StoreUnavailableError } from '../../core/errors.ts';
import { freePort } from '../../local/free-port.ts';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:reftrack/visitor-hash-AbCdEf';
const KEY = 'v'.repeat(64);
const TOKEN = 'session-token-of-this-function';

interface Extension {
  readonly requests: IncomingMessage[];
  notReadyFor: number;
  secrets: Record<string, string>;
}

let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  servers = [];
});

function startExtension(port: number, ext: Extension): Promise<void> {
  const server = createServer((req, res) => {
    ext.requests.push(req);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.headers['x-aws-parameters-secrets-token'] !== TOKEN) {
      res.writeHead(401).end('missing or invalid X-Aws-Parameters-Secrets-Token');
      return;
    }
    if (ext.notReadyFor > 0) {
      ext.notReadyFor--;
      res.writeHead(400).end('not ready to serve traffic, please wait');
      return;
    }
    const id = url.searchParams.get('secretId') ?? '';
    if (url.pathname !== '/secretsmanager/get' || !(id in ext.secrets)) {
      res.writeHead(400).end(`ResourceNotFoundException: Secrets Manager can't find the specified secret.`);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ARN: id, Name: 'reftrack/visitor-hash', SecretString: ext.secrets[id], VersionId: 'v1', VersionStages: ['AWSCURRENT'] }));
  });
  servers.push(server);
  // Both loopback families: `localhost` may resolve to ::1 or 127.0.0.1.
  return new Promise((resolve) => server.listen({ port, host: '::', ipv6Only: false }, resolve));
}

async function setup(notReadyFor = 0): Promise<{ port: number; ext: Extension }> {
  const port = await freePort();
  const ext: Extension = { requests: [], notReadyFor, secrets: { [ARN]: KEY } };
  await startExtension(port, ext);
  return { port, ext };
}

const config = (port: number, token: string | null = TOKEN) =>
  secretsExtensionConfig({ PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port), ...(token === null ? {} : { AWS_SESSION_TOKEN: token }) });

describe('secrets through the Parameters and Secrets extension', () => {
  it('reads the secret by ARN with the session token, one request', async () => {
    const { port, ext } = await setup();
    const key = await resolveVisitorHashKey({ VISITOR_HASH_KEY_SECRET_ARN: ARN }, secretsExtensionReader(config(port)));
    expect(key).toBe(KEY);
    expect(ext.requests).toHaveLength(1);
    expect(new URL(ext.requests[0]!.url!, 'http://x').searchParams.get('secretId')).toBe(ARN);
  });

  it('waits while the extension starts: "not ready" answers, then the secret', async () => {
    const { port, ext } = await setup(3);
    expect(await secretsExtensionReader(config(port), { retryEveryMs: 5 })(ARN)).toBe(KEY);
    expect(ext.requests).toHaveLength(4);
  });

  it('waits while nothing listens yet (the extension registered but does not serve)', async () => {
    const port = await freePort();
    const ext: Extension = { requests: [], notReadyFor: 0, secrets: { [ARN]: KEY } };
    const later = new Promise<void>((resolve) => setTimeout(() => void startExtension(port, ext).then(resolve), 150));
    const read = secretsExtensionReader(config(port), { retryEveryMs: 10 })(ARN);
    await later;
    expect(await read).toBe(KEY);
  });

  it('gives up after readyWithinMs, naming the extension, and the init fails', async () => {
    const { port } = await setup(1_000_000);
    const started = Date.now();
    const failure = await resolveVisitorHashKey({ VISITOR_HASH_KEY_SECRET_ARN: ARN }, secretsExtensionReader(config(port), { readyWithinMs: 200, retryEveryMs: 10 })).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect((failure as Error).message).toMatch(/could not read the visitor-hash key/);
    expect(((failure as Error).cause as Error).message).toMatch(/Parameters and Secrets extension did not serve within 200 ms/);
  });

  it('any other answer fails at once: a wrong token, an unknown secret', async () => {
    const { port, ext } = await setup();
    await expect(secretsExtensionReader(config(port, 'stolen'))(ARN)).rejects.toThrow(/answered 401/);
    await expect(secretsExtensionReader(config(port, null))(ARN)).rejects.toThrow(/answered 401/);
    await expect(secretsExtensionReader(config(port))(`${ARN}-other`)).rejects.toThrow(/answered 400: ResourceNotFoundException/);
    expect(ext.requests).toHaveLength(3);
  });

  it('a short secret still refuses to start (same rule as the SDK path)', async () => {
    const { port, ext } = await setup();
    ext.secrets[ARN] = 'short';
    await expect(resolveConversionSecret({ CONVERSION_SECRET_ARN: ARN }, secretsExtensionReader(config(port)))).rejects.toThrow(ConfigError);
  });

  it('an explicit value never asks the extension (local runs)', async () => {
    const { port, ext } = await setup();
    expect(await resolveVisitorHashKey({ VISITOR_HASH_KEY: KEY, VISITOR_HASH_KEY_SECRET_ARN: ARN }, secretsExtensionReader(config(port)))).toBe(KEY);
    expect(ext.requests).toHaveLength(0);
  });

  it('defaults to the extension\'s port 2773', () => {
    expect(secretsExtensionConfig({}).PARAMETERS_SECRETS_EXTENSION_HTTP_PORT).toBe(2773);
  });
});
