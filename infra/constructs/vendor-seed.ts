import { CustomResource, Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { Vendor } from '../../core/vendor.ts';
import { acknowledge, arnInFinding, BASIC_EXECUTION_ROLE } from '../nag.ts';
import { ReftrackFunction } from './reftrack-function.ts';

export interface VendorSeedProps {
  readonly state: dynamodb.ITableV2;
  /** The launch vendors (config/vendors.json, validated at synth). */
  readonly vendors: readonly Vendor[];
  readonly logRetention: logs.RetentionDays;
  /** Where each active vendor's QR images and e-mail preview are published. */
  readonly assetsBucketName: string;
  /** PutObject on the published prefix (the Data stack's policy, so its wildcard is reviewed there). */
  readonly publishPolicy: iam.IManagedPolicy;
  /** Outreach settings (PUBLIC_BASE_URL, OUTREACH_QR_BASE_URL, OUTREACH_BRAND_NAME) in config/config.ts's names. */
  readonly environment: Readonly<Record<string, string>>;
  /** @default `handlers/seed-vendors.ts` */
  readonly entry?: string;
}

/**
 * Loads the launch vendors into the State table at deploy time, so a fresh deployment's links
 * work at once. Runs again whenever the list changes (the list is the resource's property) and
 * only ever adds: a vendor that exists is left as it is (handlers/seed-vendors.ts). Then it
 * publishes every active vendor's QR images and preview, so the dashboard's QR codes and the
 * e-mails' hosted image work after one deploy.
 */
export class VendorSeed extends Construct {
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: VendorSeedProps) {
    super(scope, id);
    const fn = new ReftrackFunction(this, 'Handler', {
      entry: props.entry ?? 'handlers/seed-vendors.ts',
      serviceName: 'vendor-seed',
      description: 'Deploy time: adds the vendors of config/vendors.json that do not exist yet (never overwrites)',
      timeout: Duration.minutes(2),
      logRetention: props.logRetention,
      // Deploy time only: the runtime's S3 client keeps this package within the functions' 450 KiB
      // budget (S3's client is ~130 KiB bundled; with DynamoDB's and qrcode it was 510 KiB).
      runtimeProvidedModules: ['@aws-sdk/client-s3'],
      environment: { ...props.environment, STATE_TABLE: props.state.tableName, ASSETS_BUCKET: props.assetsBucketName },
    }).fn;
    // A conditional put per vendor (attribute_not_exists): it cannot overwrite what it did not create.
    props.state.grant(fn, 'dynamodb:PutItem', 'dynamodb:Query');
    fn.role!.addManagedPolicy(props.publishPolicy);
    const provider = new cr.Provider(this, 'Provider', { onEventHandler: fn });
    this.resource = new CustomResource(this, 'Vendors', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::ReftrackVendorSeed',
      // The environment is a property too: a new domain re-publishes QR codes that point at it.
      properties: { Vendors: JSON.stringify(props.vendors), Outreach: JSON.stringify(props.environment) },
    });
    acknowledge(
      provider,
      { id: `AwsSolutions-IAM4[Policy::${BASIC_EXECUTION_ROLE}]`, reason: 'The CDK custom-resource provider framework function uses AWSLambdaBasicExecutionRole for its own logs; it runs only during deployments.' },
      { id: `AwsSolutions-IAM5[Resource::${arnInFinding(fn)}:*]`, reason: 'The provider framework may invoke the seed function and its versions (`<arn>:*`); nothing else.' },
      { id: 'AwsSolutions-L1', reason: "The provider framework function's runtime is chosen by aws-cdk-lib and moves with it." },
    );
  }
}
