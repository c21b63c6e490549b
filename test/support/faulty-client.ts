/**
 * A DynamoDB client on the test engine with a fault hook around every command, added as
 * SDK middleware, so the store under test runs its real code against real DynamoDB Local
 * and only the injected failure is artificial.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoClientConfig } from '../../adapters/dynamodb-client.ts';
import { awsConfig } from '../../config/config.ts';

export interface Fault {
  /** Runs before the command is sent; throw to fail it without it reaching DynamoDB. */
  before?(commandName: string, input: any): void;
  /** Runs after DynamoDB answered; throw to lose the answer of a write that landed. */
  after?(commandName: string, input: any): void;
}

export function faultyClient(fault: Fault): DynamoDBClient {
  const client = new DynamoDBClient({ ...dynamoClientConfig(awsConfig()), maxAttempts: 1 });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      fault.before?.(context.commandName ?? '', args.input);
      const result = await next(args);
      fault.after?.(context.commandName ?? '', args.input);
      return result;
    },
    { step: 'initialize', name: 'faultInjection' },
  );
  return client;
}
