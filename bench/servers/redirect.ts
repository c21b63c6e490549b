/** Child process for the bench: the redirect app alone (what the redirect Lambda runs) on PORT, against the DynamoDB Local in the environment. */
import { getConnInfo } from '@hono/node-server/conninfo';
import { awsConfig, localConfig, redirectConfig, spillConfig, telemetryConfig } from '../../config/config.ts';
import { createDynamoClient } from '../../adapters/dynamodb-client.ts';
import { createKinesisClient } from '../../adapters/kinesis-client.ts';
import { PowertoolsTelemetry } from '../../adapters/telemetry.ts';
import { resolveVisitorHashKey, secretsManagerReader } from '../../adapters/visitor-key.ts';
import { createRedirectApp } from '../../http/redirect-app.ts';
import { wireRedirect } from '../../http/wiring.ts';
import { startServer } from '../../local/server.ts';

// Composed like handlers/redirect.ts.
const aws = awsConfig();
const redirect = redirectConfig();
const spill = spillConfig();
const deps = wireRedirect({
  aws,
  redirect,
  spill,
  dynamodb: createDynamoClient(aws),
  kinesis: createKinesisClient(aws, spill),
  visitorHashKey: await resolveVisitorHashKey(redirect, secretsManagerReader(aws)),
  telemetry: new PowertoolsTelemetry(telemetryConfig()),
});
await startServer(createRedirectApp({ ...deps, clientIp: (c) => getConnInfo(c).remote.address }), localConfig().PORT);
process.send?.('ready');
// The bench reads this process's CPU time around each measurement.
process.on('message', (m) => {
  if (m === 'cpu') process.send?.({ cpu: process.cpuUsage() });
});
