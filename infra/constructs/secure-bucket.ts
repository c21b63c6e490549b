import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface SecureBucketProps {
  /** @default a generated name */
  readonly bucketName?: string;
  /** Keep every version of every object (a record that must survive an overwrite or a delete). @default false */
  readonly versioned?: boolean;
  /** Where S3 server access logs go. Required: every data bucket is audited. */
  readonly accessLogs: s3.IBucket;
  /** Key prefix of this bucket's access logs in the log bucket. */
  readonly accessLogsPrefix: string;
  /** Objects move to Standard-IA after this age (S3's minimum for IA is 30 days). @default 30 days */
  readonly infrequentAccessAfter?: Duration;
  /** Objects are deleted after this age. @default never (exports are the finance record) */
  readonly expireAfter?: Duration;
  /** @default RemovalPolicy.RETAIN: data outlives a stack deletion */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The baseline of every bucket of the project: SSE-S3 encryption, every public access path
 * blocked, TLS 1.2+ only (bucket policy), owner-enforced objects (no ACLs).
 */
export const PRIVATE_BUCKET = {
  encryption: s3.BucketEncryption.S3_MANAGED,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
} as const satisfies s3.BucketProps;

/**
 * A private bucket with the project's baseline: SSE-S3 encryption, every public access path
 * blocked, TLS 1.2+ only (bucket policy), owner-enforced objects (no ACLs), access logging,
 * and a move to infrequent access once objects are mostly read by month-end jobs.
 */
export class SecureBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...(props.bucketName ? { bucketName: props.bucketName } : {}),
      ...(props.versioned ? { versioned: true } : {}),
      ...PRIVATE_BUCKET,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: props.accessLogsPrefix,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'infrequent-access',
          transitions: [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: props.infrequentAccessAfter ?? Duration.days(30) }],
          ...(props.expireAfter ? { expiration: props.expireAfter } : {}),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
  }
}
