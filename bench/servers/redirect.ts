/** Child process for the bench: the redirect app alone (what the redirect Lambda runs) on PORT, against the DynamoDB Local in the environment. */
import { getConnInfo } from '@hono/node-server/conninfo';
import { awsConfig, localConfig, redirectConfig, spillConfig, telemetryConfig } from '../../config/config.ts';
import { PowertoolsTelemetry } from '../../adapters/telemetry.ts';
import { secretsManagerReader } from '../../adapters/visitor-key.ts';
import { composeRedirectApp } from '../../http/wiring.ts';
import { startServer } from '../../local/server.ts';

// The composition handlers/redirect.ts runs; only the secret reader and the address source differ.
const aws = awsConfig();
const app = await composeRedirectApp({
  aws,
  redirect: redirectConfig(),
  spill: spillConfig(),
  readSecret: secretsManagerReader(aws),
  telemetry: new PowertoolsTelemetry(telemetryConfig()),
  clientIp: (c) => getConnInfo(c).remote.address,
});
await startServer(app, localConfig().PORT);
process.send?.('ready');
// The bench reads this process's CPU time around each measurement.
process.on('message', (m) => {
  if (m === 'cpu') process.send?.({ cpu: process.cpuUsage() });
});
