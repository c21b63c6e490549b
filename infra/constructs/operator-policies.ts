import { Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge, arnInFinding } from '../nag.ts';

export interface DataAccessPoliciesProps {
  readonly events: dynamodb.ITableV2;
  readonly state: dynamodb.ITableV2;
  readonly exportBucket: s3.Bucket;
  readonly assetsBucket: s3.Bucket;
  readonly assetsPrefix: string;
  readonly failedBatchesBucket: s3.Bucket;
  readonly exportDelivery: firehose.IDeliveryStream;
}

/**
 * Managed policies on the Data stack's resources, to attach to people and roles so nobody
 * hand-writes IAM for the CLI (they live next to the resources they name, so they survive a
 * redeploy of the App stack):
 *  - `analystRead`: every read-only CLI command (clicks, rollups, verify, vendors list, exports
 *    ls/cat, payouts, reconcile): DynamoDB reads on both tables, S3 reads on the export;
 *  - `operator`: the commands that change things (vendors add/import/pause, outreach publish and
 *    cards, replay, recover's re-append, exports redrive/rebuild), on top of analystRead;
 *  - `publishAssets`: writing the published outreach prefix (the deploy-time vendor seed uses it).
 */
export class DataAccessPolicies extends Construct {
  readonly analystRead: iam.ManagedPolicy;
  readonly operator: iam.ManagedPolicy;
  readonly publishAssets: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: DataAccessPoliciesProps) {
    super(scope, id);
    const tables = [props.events.tableArn, props.state.tableArn];
    const publishStatement = new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [props.assetsBucket.arnForObjects(`${props.assetsPrefix}/*`)] });
    this.analystRead = new iam.ManagedPolicy(this, 'AnalystRead', {
      description: 'reftrack CLI, read-only: click log, rollups, vendors, the click export',
      statements: [
        new iam.PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:DescribeTable'], resources: tables }),
        new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.exportBucket.bucketArn] }),
        new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [props.exportBucket.arnForObjects('events/*'), props.exportBucket.arnForObjects('errors/*')] }),
      ],
    });
    this.operator = new iam.ManagedPolicy(this, 'Operator', {
      description: 'reftrack CLI, operations: vendors, outreach, replay, recover, exports redrive/rebuild',
      statements: [
        new iam.PolicyStatement({ actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem'], resources: [props.state.tableArn] }),
        // recover re-appends unrecorded clicks with the same conditional put as the redirect.
        new iam.PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [props.events.tableArn] }),
        publishStatement,
        new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.failedBatchesBucket.bucketArn] }),
        new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [props.failedBatchesBucket.arnForObjects('*')] }),
        new iam.PolicyStatement({ actions: ['firehose:PutRecordBatch', 'firehose:DescribeDeliveryStream'], resources: [props.exportDelivery.deliveryStreamArn] }),
      ],
    });
    this.publishAssets = new iam.ManagedPolicy(this, 'PublishAssets', { description: 'reftrack: publish outreach QR images and previews', statements: [publishStatement] });
    const reason = 'Object-level S3 access needs an object wildcard; each is limited to one bucket and one prefix (export partitions, the published outreach prefix, failed batches).';
    const objects = (bucket: string, prefix: string) => ({ id: `AwsSolutions-IAM5[Resource::${bucket}/${prefix}*]`, reason });
    acknowledge(
      this,
      objects(arnInFinding(props.exportBucket), 'events/'),
      objects(arnInFinding(props.exportBucket), 'errors/'),
      objects(arnInFinding(props.assetsBucket), `${props.assetsPrefix}/`),
      objects(arnInFinding(props.failedBatchesBucket), ''),
    );
  }
}

export interface AppAccessPoliciesProps {
  readonly redirectLogGroup: logs.ILogGroup;
  /** The IAM-authorized analyst API (scripts). */
  readonly scriptsApi?: apigw.IHttpApi;
}

/**
 * The policies on App stack resources: `recover` reads the redirect's log group; scripts call the
 * IAM analyst API (`execute-api:Invoke` on `/api/*` only).
 */
export class AppAccessPolicies extends Construct {
  readonly recover: iam.ManagedPolicy;
  readonly analystScripts?: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: AppAccessPoliciesProps) {
    super(scope, id);
    this.recover = new iam.ManagedPolicy(this, 'Recover', {
      description: 'reftrack recover --from-cloudwatch: read click-unrecorded lines from the redirect log group',
      statements: [new iam.PolicyStatement({ actions: ['logs:FilterLogEvents'], resources: [props.redirectLogGroup.logGroupArn] })],
    });
    if (props.scriptsApi) {
      const stack = Stack.of(this);
      this.analystScripts = new iam.ManagedPolicy(this, 'AnalystScripts', {
        description: 'reftrack analyst API for scripts (SigV4): /api/*',
        statements: [
          new iam.PolicyStatement({ actions: ['execute-api:Invoke'], resources: [stack.formatArn({ service: 'execute-api', resource: props.scriptsApi.apiId, resourceName: '$default/*/api/*' })] }),
        ],
      });
      const apiId = `<${stack.getLogicalId(props.scriptsApi.node.defaultChild as never)}>`;
      acknowledge(this.analystScripts, {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:${apiId}/$default/*/api/*]`,
        reason: 'Any method of the /api/* routes on the $default stage of the scripts API, nothing else.',
      });
    }
  }
}
