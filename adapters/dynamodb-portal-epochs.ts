import { GetItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { PortalEpochs } from '../core/portal-credential.ts';
import type { VendorCode } from '../core/vendor-code.ts';
import { storeError } from './dynamodb-errors.ts';

/** The vendor portal's revocation epochs in the State table: pk `PORTAL`, sk = vendor code, `epoch` (N). */
export class DynamoPortalEpochs implements PortalEpochs {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async current(vendor: VendorCode): Promise<number> {
    try {
      // Strongly consistent: a revoke must take effect on the very next request.
      const out = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall({ pk: 'PORTAL', sk: vendor }), ConsistentRead: true }));
      const epoch = out.Item ? unmarshall(out.Item).epoch : 0;
      return typeof epoch === 'number' ? epoch : 0;
    } catch (error) {
      throw storeError('read portal epoch', error);
    }
  }

  async revoke(vendor: VendorCode): Promise<number> {
    try {
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ pk: 'PORTAL', sk: vendor }),
          UpdateExpression: 'ADD epoch :one SET revokedAt = :now',
          ExpressionAttributeValues: marshall({ ':one': 1, ':now': new Date().toISOString() }),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Number(unmarshall(out.Attributes ?? {}).epoch ?? 0);
    } catch (error) {
      throw storeError('revoke portal links', error);
    }
  }
}
