/**
 * kinesalite: the Kinesis API in Node on LevelDB, standing in for the on-demand spill stream.
 * Runs in-process; data under the data directory so spilled clicks survive a restart.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { CreateStreamCommand, DescribeStreamSummaryCommand, ResourceInUseException, type KinesisClient } from '@aws-sdk/client-kinesis';
import kinesalite from 'kinesalite';

export interface RunningKinesalite {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export async function startKinesalite(opts: { port: number; path?: string }): Promise<RunningKinesalite> {
  if (opts.path) mkdirSync(opts.path, { recursive: true });
  const server: Server = kinesalite({ path: opts.path, createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 50 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${opts.port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Creates the spill stream if it is missing and waits until it is ACTIVE. */
export async function ensureSpillStream(client: KinesisClient, streamName: string, shards = 1): Promise<void> {
  try {
    await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shards }));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  for (let i = 0; i < 100; i++) {
    const out = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    if (out.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 50));
  }
}
