/** Child process for the bench: the redirect app alone (what the redirect Lambda runs) on PORT, against the DynamoDB Local in the environment. */
import { getConnInfo } from '@hono/node-server/conninfo';
import { localConfig } from '../../config/config.ts';
import { createRedirectApp } from '../../http/redirect-app.ts';
import { wireRedirect } from '../../http/wiring.ts';
import { startServer } from '../../local/server.ts';

await startServer(createRedirectApp({ ...wireRedirect(), clientIp: (c) => getConnInfo(c).remote.address }), localConfig().PORT);
process.send?.('ready');
// The bench reads this process's CPU time around each measurement.
process.on('message', (m) => {
  if (m === 'cpu') process.send?.({ cpu: process.cpuUsage() });
});
