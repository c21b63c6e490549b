/**
 * A model of DynamoDB's transaction conflicts on top of DynamoDB Local (which never raises
 * them): every item a TransactWriteItems touches is held from the moment it is sent until it
 * answers, and it answers no sooner than `holdMs` after it was sent; another transaction
 * touching a held item is cancelled with `TransactionConflict`, as DynamoDB does. The real store and handler
 * run unchanged on the wrapped client, so what it measures is their own contention.
 */
import { DynamoDBClient, TransactionCanceledException, type DynamoDBClientConfig, type TransactWriteItemsCommandInput } from '@aws-sdk/client-dynamodb';

export interface ContentionStats {
  commits: number;
  cancels: number;
}

export function contendedClient(config: DynamoDBClientConfig, holdMs: number, now: () => number = () => performance.now()): { client: DynamoDBClient; stats: ContentionStats } {
  const held = new Map<string, number>();
  const stats: ContentionStats = { commits: 0, cancels: 0 };
  const client = new DynamoDBClient(config);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'TransactWriteItemsCommand') return next(args);
      const items = ((args.input as TransactWriteItemsCommandInput).TransactItems ?? []).map((a) => {
        const keyed = a.Update ?? a.Delete ?? a.ConditionCheck;
        const table = a.Put?.TableName ?? keyed?.TableName;
        const key = keyed?.Key ?? { pk: a.Put?.Item?.pk, sk: a.Put?.Item?.sk };
        return `${table}|${key.pk?.S}|${key.sk?.S}`;
      });
      const t = now();
      const busy = items.map((k) => (held.get(k) ?? -Infinity) > t);
      if (busy.some(Boolean)) {
        stats.cancels++;
        throw new TransactionCanceledException({
          $metadata: {},
          message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]',
          CancellationReasons: busy.map((b) => (b ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' } : { Code: 'None' })),
        });
      }
      for (const k of items) held.set(k, Infinity);
      try {
        const out = await next(args);
        // The answer comes no sooner than DynamoDB would give it: the caller waits out the hold,
        // so one consumer's next transaction never meets its own previous one (as on DynamoDB).
        const wait = t + holdMs - now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        stats.commits++;
        return out;
      } finally {
        for (const k of items) held.set(k, now());
      }
    },
    { step: 'initialize', name: 'contentionModel' },
  );
  return { client, stats };
}
