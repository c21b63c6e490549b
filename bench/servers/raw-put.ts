/**
 * Child process for the bench: the floor the redirect is measured against. A bare node:http
 * server that does exactly what the redirect must (one conditional PutItem of a click-sized item,
 * with the same SDK client configuration) and answers a 302, and nothing else.
 */
import { createServer } from 'node:http';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { ulid } from 'ulid';
import { awsConfig, localConfig } from '../../config/config.ts';
import { createDynamoClient } from '../../adapters/dynamodb-client.ts';

const aws = awsConfig();
const client = createDynamoClient(aws);
const location = 'https://queenofsandiego.com/?utm_source=solare&utm_medium=referral&utm_campaign=vendor-referral&ref_cid=01M89F3BDQJTPWEVZD4P6K8KVC';
// The same attributes and sizes as a stored click event.
const template = {
  schemaVersion: 1,
  vendorCode: 'solare',
  vendorName: 'Solare Ristorante',
  ts: '2026-11-25T19:00:00.000Z',
  day: '2026-11-25',
  visitorHash: 'x'.repeat(22),
  networkHash: 'y'.repeat(22),
  fetch: { mode: 'navigate', dest: 'document', site: 'cross-site', user: true },
  bot: { isBot: false, reason: 'human', ruleVersion: 2 },
  internal: false,
  userAgent: 'Mozilla/5.0 (bench) Chrome/131.0',
  refererHost: null,
  country: null,
  placement: null,
  destination: location,
};

createServer((_req, res) => {
  const clickId = ulid();
  client
    .send(new PutItemCommand({ TableName: aws.EVENTS_TABLE, Item: marshall({ pk: 'solare#2026-11-25', sk: clickId, clickId, ...template }), ConditionExpression: 'attribute_not_exists(pk)' }))
    .then(
      () => res.writeHead(302, { Location: location, 'Cache-Control': 'no-store' }).end(),
      () => res.writeHead(500).end(),
    );
}).listen(localConfig().PORT, '127.0.0.1', () => process.send?.('ready'));
// The bench reads this process's CPU time around each measurement.
process.on('message', (m) => {
  if (m === 'cpu') process.send?.({ cpu: process.cpuUsage() });
});
