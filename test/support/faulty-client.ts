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

/** One stream delivery a property test generates: a window of the records, and what goes wrong in it. */
export interface FaultyDelivery {
  /** Where the window starts (modulo the number of records) and how many records it carries. */
  readonly start: number;
  readonly length: number;
  /** The consumer crashes from this TransactWriteItems call on (0 = before the first); nothing of those is written. */
  readonly crashAfter?: number | undefined;
  /** The first TransactWriteItems lands but its answer is lost, as on a timeout after the commit. */
  readonly lostAnswer: boolean;
}

/** The records a delivery carries. */
export function deliveredRecords<T>(records: readonly T[], d: FaultyDelivery): T[] {
  const start = d.start % records.length;
  return records.slice(start, start + d.length);
}

/** A client on the test engine that fails TransactWriteItems as the delivery says. */
export function transactionFaults(d: FaultyDelivery): DynamoDBClient {
  let transactions = 0;
  return faultyClient({
    before: (name) => {
      if (name !== 'TransactWriteItemsCommand') return;
      transactions++;
      if (d.crashAfter !== undefined && transactions > d.crashAfter) throw new Error('crash');
    },
    after: (name) => {
      if (name === 'TransactWriteItemsCommand' && d.lostAnswer && transactions === 1) throw new Error('answer lost');
    },
  });
}
