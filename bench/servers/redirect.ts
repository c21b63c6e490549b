/** Child process for the bench: the redirect app alone on PORT, against the DynamoDB Local in the environment. */
import { localConfig } from '../../config/config.ts';
import { createLocalApp, startServer } from '../../local/server.ts';

await startServer(createLocalApp(), localConfig().PORT);
process.send?.('ready');
