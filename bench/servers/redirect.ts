/** Child process for the bench: the local server on PORT, against the DynamoDB Local in the environment (its composition root). */
import { randomBytes } from 'node:crypto';
import { awsConfig, businessConfig, localConfig, outreachConfig, redirectConfig, spillConfig, telemetryConfig } from '../../config/config.ts';
import { createDynamoClient } from '../../adapters/dynamodb-client.ts';
import { createKinesisClient } from '../../adapters/kinesis-client.ts';
import { PowertoolsTelemetry } from '../../adapters/telemetry.ts';
import { resolveVisitorHashKey, secretsManagerReader } from '../../adapters/visitor-key.ts';
import { createLocalApp, startServer } from '../../local/server.ts';

const aws = awsConfig();
const redirect = redirectConfig();
const spill = spillConfig();
const app = createLocalApp({
  aws,
  redirect,
  spill,
  business: businessConfig(),
  outreach: outreachConfig(),
  dynamodb: createDynamoClient(aws),
  kinesis: createKinesisClient(aws, spill),
  visitorHashKey: await resolveVisitorHashKey(redirect, secretsManagerReader(aws)),
  apiToken: randomBytes(24).toString('base64url'),
  telemetry: new PowertoolsTelemetry(telemetryConfig()),
});
await startServer(app, localConfig().PORT);
process.send?.('ready');
