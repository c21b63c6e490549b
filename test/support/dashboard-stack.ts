/**
 * Everything the dashboard talks to, in this test process, on fresh tables in the test
 * DynamoDB Local: the redirect, outreach and dashboard apps, the analyst API stand-in, and the
 * real aggregate consumer (streams/aggregate.ts) fed by the local stream poller, exactly the
 * pieces `npm start` runs. Used until the analyst API is on this branch; then the tests run
 * `npm start` itself (test/support/local-runtime.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { dynamodb } from '../../adapters/dynamodb-client.ts';
import { DynamoApprovalCardStore } from '../../adapters/dynamodb-outreach-store.ts';
import { DynamoRollupStore } from '../../adapters/dynamodb-rollup-store.ts';
import { DynamoVendorStore } from '../../adapters/dynamodb-vendor-store.ts';
import { RollupGenerations } from '../../adapters/rollup-generation.ts';
import { addCard } from '../../core/outreach/cards.ts';
import { parseVendorCode } from '../../core/vendor-code.ts';
import { createDashboardApp } from '../../http/dashboard-app.ts';
import { createOutreachApp } from '../../http/outreach-app.ts';
import { systemClock } from '../../http/wiring.ts';
import { freePort } from '../../local/free-port.ts';
import { startServer } from '../../local/server.ts';
import { eventNames, StreamPoller } from '../../local/stream-poller.ts';
import { createAggregateHandler } from '../../streams/aggregate.ts';
import { analystApiStandIn, bearerAuth } from './analyst-api-standin.ts';
import { testRedirectApp, testSettings } from './redirect-app.ts';
import { freshTables } from './tables.ts';

export interface DashboardStack {
  readonly baseUrl: string;
  readonly token: string;
  /** `outreach add-task` for a vendor: a pending-send approval card. */
  addCard(vendor: string): Promise<void>;
  /** `vendors add`. */
  addVendor(code: string, name: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startDashboardStack(): Promise<DashboardStack> {
  const tables = await freshTables();
  const token = randomBytes(18).toString('base64url');
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const dir = await mkdtemp(join(tmpdir(), 'reftrack-dashboard-'));
  const cards = new DynamoApprovalCardStore(dynamodb, tables.state);

  const root = new Hono();
  root.route('/', testRedirectApp(tables));
  root.route(
    '/',
    createOutreachApp({
      vendors: new DynamoVendorStore(dynamodb, tables.state),
      cards,
      clock: systemClock,
      settings: { publicBaseUrl: baseUrl, qrBaseUrl: `${baseUrl}/outreach/qr`, brandName: 'Queen of San Diego' },
      apiAuth: bearerAuth(token),
    }),
  );
  root.route('/', analystApiStandIn({ client: dynamodb, tables, token, baseUrl: () => baseUrl, timeZone: testSettings.timeZone }));
  root.route('/', createDashboardApp());

  const aggregate = createAggregateHandler({ store: new DynamoRollupStore(dynamodb, tables.state), generations: new RollupGenerations(dynamodb, tables.state) });
  const consumer = new StreamPoller({
    name: 'aggregate',
    tableName: tables.events,
    handler: aggregate,
    filter: eventNames('INSERT'),
    checkpointFile: join(dir, 'aggregate.json'),
    deadLetterDir: join(dir, 'dlq'),
    batchingWindowMs: 100,
    pollIntervalMs: 50,
  });
  await consumer.start();
  const server = await startServer(root, port);

  return {
    baseUrl,
    token,
    async addCard(vendor) {
      await addCard(cards, { vendorCode: parseVendorCode(vendor), cardType: 'vendor-approval', previewUrl: `${baseUrl}/outreach#${vendor}` }, systemClock);
    },
    async addVendor(code, name) {
      await new DynamoVendorStore(dynamodb, tables.state).put({ code: parseVendorCode(code), name, status: 'active' }, { ifAbsent: true });
    },
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      await consumer.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
