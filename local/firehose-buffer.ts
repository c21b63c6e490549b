/**
 * The local Firehose's buffer: per delivery stream, the records acknowledged but not yet in
 * S3, flushed like Firehose's buffering hints (whichever of size or interval comes first).
 * Every accepted record is journaled (firehose-journal.ts) before `accept` resolves, so an
 * acknowledged record survives a crash; opening the buffer first replays what a previous run
 * journaled but never wrote. A flush rotates the journal, writes the objects, then releases
 * the segment; a failed write keeps the segment for the next start: delayed, not lost.
 */
import { mkdirSync } from 'node:fs';
import type { Log } from '../core/telemetry.ts';
import type { FirehoseObjectWriter } from './firehose-objects.ts';
import { Journal, leftovers, release, type JournaledRecord } from './firehose-journal.ts';

export interface BufferingHints {
  readonly sizeBytes: number;
  readonly intervalMs: number;
}

interface StreamBuffer {
  records: JournaledRecord[];
  bytes: number;
  timer: NodeJS.Timeout | undefined;
  readonly journal: Journal;
}

export class FirehoseBuffer {
  private readonly buffers: Map<string, StreamBuffer>;
  private readonly flushing = new Set<Promise<void>>();
  private acceptedCount = 0;

  private constructor(
    streams: readonly string[],
    journalDir: string,
    private readonly hints: BufferingHints,
    private readonly objects: FirehoseObjectWriter,
    private readonly logger: Log,
  ) {
    this.buffers = new Map(streams.map((name) => [name, { records: [], bytes: 0, timer: undefined, journal: Journal.open(journalDir, name) }]));
  }

  /** Replays what a previous run acknowledged but never wrote, then opens a journal per stream. */
  static open(streams: readonly string[], journalDir: string, hints: BufferingHints, objects: FirehoseObjectWriter, logger: Log): FirehoseBuffer {
    mkdirSync(journalDir, { recursive: true });
    for (const [stream, { files, records }] of leftovers(journalDir)) {
      if (records.length > 0) objects.write(stream, records);
      for (const file of files) release(file);
      if (records.length > 0) logger.info('local Firehose replayed its journal', { stream, records: records.length });
    }
    return new FirehoseBuffer(streams, journalDir, hints, objects, logger);
  }

  /** Records accepted (journaled) since start. */
  get accepted(): number {
    return this.acceptedCount;
  }

  streams(): string[] {
    return [...this.buffers.keys()];
  }

  has(stream: string): boolean {
    return this.buffers.has(stream);
  }

  /** Resolves once the records are journaled (on disk): only then may the caller acknowledge them. */
  async accept(stream: string, records: JournaledRecord[]): Promise<void> {
    const buffer = this.buffers.get(stream)!;
    await buffer.journal.append(records);
    buffer.records.push(...records);
    for (const r of records) buffer.bytes += r.data.byteLength;
    this.acceptedCount += records.length;
    if (buffer.bytes >= this.hints.sizeBytes) void this.flushStream(stream);
    else buffer.timer ??= setTimeout(() => void this.flushStream(stream), this.hints.intervalMs);
  }

  /** Writes everything buffered now (the interval hint elapsing early), and waits for flushes under way. */
  async flush(): Promise<void> {
    await Promise.all(this.streams().map((stream) => this.flushStream(stream)));
    await Promise.all([...this.flushing]);
  }

  /** Flushes, then closes the journals. */
  async close(): Promise<void> {
    await this.flush();
    for (const buffer of this.buffers.values()) await buffer.journal.close();
  }

  private flushStream(stream: string): Promise<void> {
    const buffer = this.buffers.get(stream)!;
    if (buffer.timer) clearTimeout(buffer.timer);
    buffer.timer = undefined;
    if (buffer.records.length === 0) return Promise.resolve();
    const records = buffer.records;
    buffer.records = [];
    buffer.bytes = 0;
    const done = buffer.journal
      .rotate()
      .then((segment) => {
        this.objects.write(stream, records);
        release(segment);
      })
      .catch((error: unknown) => {
        // The segment stays on disk and is replayed on the next start: delayed, not lost.
        this.logger.error('local Firehose could not write objects; kept in its journal', { stream, error });
      })
      .finally(() => this.flushing.delete(done));
    this.flushing.add(done);
    return done;
  }
}
