import { Aws } from 'aws-cdk-lib';

/**
 * The failed-batches bucket has a deterministic name so the App stack can point the event
 * source mappings at it without a cross-stack import (pseudo parameters resolve in each
 * stack), and so the IAM finding cdk-nag reports reads the same at `cdk synth` and in tests.
 */
export function failedBatchesBucketName(namePrefix: string): string {
  return `${namePrefix}-failed-batches-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

/** The same name as cdk-nag prints it inside a finding id. */
export function failedBatchesBucketNameInFinding(namePrefix: string): string {
  return `${namePrefix}-failed-batches-<AWS::AccountId>-<AWS::Region>`;
}
