/**
 * Where a stream poller is, per shard, persisted so a restart resumes instead of re-reading
 * the whole stream (or, worse, skipping it). One JSON file per consumer.
 */
import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { ConfigError } from '../core/errors.ts';
import { writeJsonAtomic } from './atomic-file.ts';

const ShardPosition = z.object({
  /** Last sequence number fully handled (delivered, dead-lettered or filtered out). */
  sequenceNumber: z.string().regex(/^\d{1,64}$/).optional(),
  /** The shard is closed and was read to its end; its children may start. */
  finished: z.boolean().optional(),
});
export type ShardPosition = z.infer<typeof ShardPosition>;

const PollerPosition = z.object({
  /** A recreated table gets a new stream; old shard positions mean nothing there. */
  streamArn: z.string().min(1),
  shards: z.record(z.string(), ShardPosition),
});
export type PollerPosition = z.infer<typeof PollerPosition>;

export class CheckpointStore {
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  /** Undefined when the consumer has never run. A corrupt file fails loudly: silently starting over would replay 24 h of stream. */
  async load(): Promise<PollerPosition | undefined> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      return PollerPosition.parse(JSON.parse(text));
    } catch (cause) {
      throw new ConfigError(`stream poller checkpoint ${this.file} is unreadable; fix or delete it (deleting replays the stream from TRIM_HORIZON)`, { cause });
    }
  }

  /**
   * Saves a snapshot taken now. Shard workers save concurrently; chaining the writes keeps
   * them in call order, so the file always ends with the newest snapshot.
   */
  save(position: PollerPosition): Promise<void> {
    const snapshot = structuredClone(position);
    const next = this.writing.then(() => writeJsonAtomic(this.file, snapshot));
    // A failed write must not poison later ones; the caller still sees this one's error.
    this.writing = next.catch(() => undefined);
    return next;
  }

  /** Resolves once every save requested so far has reached the disk. */
  flush(): Promise<void> {
    return this.writing;
  }
}
