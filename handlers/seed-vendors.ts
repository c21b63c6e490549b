/**
 * CloudFormation custom resource (behind the CDK provider framework), run on every deploy that
 * changes its properties: adds the vendors of config/vendors.json (the `Vendors` property) that
 * do not exist yet, never overwriting one (a pause or rename done with the CLI survives), then
 * publishes every active vendor's QR images and e-mail preview to the assets bucket, which the
 * distribution serves under /outreach/. Delete does nothing: vendors are data.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { awsConfig, exportConfig, outreachConfig, outreachSettings } from '../config/config.ts';
import { createDynamoClient } from '../adapters/dynamodb-client.ts';
import { DynamoVendorStore } from '../adapters/dynamodb-vendor-store.ts';
import { createS3Client } from '../adapters/s3-client.ts';
import { S3ObjectSink } from '../adapters/s3-object-sink.ts';
import { buildOutreachKit, publishOutreachKit } from '../core/outreach/outreach-kit.ts';
import { VendorList } from '../core/vendor.ts';
import { importVendors } from '../core/vendor-import.ts';

const aws = awsConfig();
const outreach = outreachConfig();
const store = new DynamoVendorStore(createDynamoClient(aws), aws.STATE_TABLE);
const assets = new S3ObjectSink(createS3Client(aws, exportConfig()), outreach.ASSETS_BUCKET);

export async function handler(event: CloudFormationCustomResourceEvent): Promise<{ PhysicalResourceId: string; Data: Record<string, string> }> {
  const PhysicalResourceId = 'PhysicalResourceId' in event ? event.PhysicalResourceId : 'reftrack-vendor-seed';
  if (event.RequestType === 'Delete') return { PhysicalResourceId, Data: {} };
  // A bad list fails the deployment with zod's message (CloudFormation shows it) before anything is written.
  const { added, kept } = await importVendors(store, VendorList.parse(JSON.parse(String(event.ResourceProperties.Vendors))));
  const active = (await store.list()).filter((v) => v.status === 'active');
  for (const vendor of active) await publishOutreachKit(await buildOutreachKit(vendor, outreachSettings(outreach)), assets);
  console.log(JSON.stringify({ message: 'vendors seeded, outreach published', added, kept, published: active.map((v) => v.code) }));
  return { PhysicalResourceId, Data: { Added: added.join(','), Kept: kept.join(','), Published: String(active.length) } };
}
