/**
 * Every local engine listens on 127.0.0.1 only: DynamoDB Local (which has no listen-address
 * option and no authentication, so it runs through local/java/LoopbackDynamoDbLocal.java),
 * kinesalite, the local Firehose and the HTTP server. Read from the kernel's socket table.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../local/free-port.ts';
import { startLocalFirehose } from '../../local/firehose-server.ts';
import { startKinesalite } from '../../local/kinesalite.ts';
import { startServer } from '../../local/server.ts';
import { Hono } from 'hono';
import { tmpDataDir } from '../support/export.ts';
import { telemetry } from '../support/telemetry.ts';

/** The local addresses of every listening TCP socket on `port` (IPv4 and IPv6 tables). */
function listeners(port: number): string[] {
  const found: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== '0A') continue; // 0A = LISTEN
      const [hex, portHex] = local.split(':') as [string, string];
      if (parseInt(portHex, 16) !== port) continue;
      found.push(hex.length === 8 ? hex.match(/../g)!.reverse().map((b) => parseInt(b, 16)).join('.') : hex);
    }
  }
  return found;
}
// 127.0.0.1 as the IPv4 table writes it, and as ::ffff:127.0.0.1 in the IPv6 table (Java's way).
const LOOPBACK = new Set(['127.0.0.1', '0000000000000000FFFF00000100007F']);

describe.runIf(process.platform === 'linux')('local engines bind 127.0.0.1 only', () => {
  it('DynamoDB Local (started by the test run with the production code)', () => {
    const port = Number(new URL(process.env.DYNAMODB_ENDPOINT!).port);
    const addresses = listeners(port);
    expect(addresses.length, `nothing listens on ${port}`).toBeGreaterThan(0);
    for (const a of addresses) expect(LOOPBACK.has(a), a).toBe(true);
  });

  it('kinesalite, the local Firehose and the HTTP server', async () => {
    const kinesis = await startKinesalite({ port: await freePort() });
    const firehose = await startLocalFirehose({ port: await freePort(), dataDir: tmpDataDir(), bucket: 'reftrack-exports', logger: telemetry.logger });
    const httpPort = await freePort();
    const server = await startServer(new Hono(), httpPort);
    try {
      for (const port of [Number(new URL(kinesis.endpoint).port), Number(new URL(firehose.endpoint).port), httpPort]) {
        const addresses = listeners(port);
        expect(addresses.length, `nothing listens on ${port}`).toBeGreaterThan(0);
        for (const a of addresses) expect(LOOPBACK.has(a), `${port}: ${a}`).toBe(true);
      }
    } finally {
      server.close();
      await firehose.stop();
      await kinesis.stop();
    }
  });
});
