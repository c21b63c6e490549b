/**
 * The local Firehose's write-ahead journal: an accepted record is appended and fdatasync'ed
 * BEFORE the PutRecord(Batch) answer goes out, so an acknowledged record survives Ctrl-C,
 * kill -9 or a crash. Chosen over "flush on SIGINT" because that only covers the signals we
 * get to handle. A flush rotates the journal into a `.flushing` segment, writes the objects,
 * then deletes the segment; on start, every segment and journal left over is replayed.
 * A crash between writing objects and deleting the segment replays records already written:
 * duplicates, never loss — the export is at-least-once anyway and readers dedupe on clickId.
 */
import { mkdirSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { open, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

export interface JournaledRecord {
  readonly arrival: number;
  readonly data: Buffer;
}

/** One line per record: `<arrival ms> <base64 data>\n`. */
function encode(records: readonly JournaledRecord[]): Buffer {
  return Buffer.from(records.map((r) => `${r.arrival} ${r.data.toString('base64')}\n`).join(''));
}

function decode(text: string): JournaledRecord[] {
  const records: JournaledRecord[] = [];
  for (const line of text.split('\n')) {
    // A torn last line was never acknowledged (the answer waits for the sync): skip it.
    const match = /^(\d+) ([A-Za-z0-9+/]*={0,2})$/.exec(line);
    if (match) records.push({ arrival: Number(match[1]), data: Buffer.from(match[2]!, 'base64') });
  }
  return records;
}

export class Journal {
  private handle: Promise<FileHandle>;
  /** Appends and rotations run one at a time, so a rotation never splits an append. */
  private queue: Promise<unknown> = Promise.resolve();
  private segments = 0;

  private constructor(
    private readonly dir: string,
    private readonly stream: string,
  ) {
    this.handle = open(this.path, 'a');
  }

  private get path(): string {
    return join(this.dir, `${this.stream}.journal`);
  }

  static open(dir: string, stream: string): Journal {
    mkdirSync(dir, { recursive: true });
    return new Journal(dir, stream);
  }

  /** Resolves once the records are on disk. */
  append(records: readonly JournaledRecord[]): Promise<void> {
    return this.serialize(async () => {
      const handle = await this.handle;
      await handle.write(encode(records));
      await handle.datasync();
    });
  }

  /** Moves everything journaled so far into a segment; returns its path for `release` after the flush. */
  rotate(): Promise<string> {
    return this.serialize(async () => {
      const handle = await this.handle;
      await handle.close();
      const segment = join(this.dir, `${this.stream}.${Date.now()}-${++this.segments}.flushing`);
      await rename(this.path, segment);
      this.handle = open(this.path, 'a');
      await this.handle;
      return segment;
    });
  }

  async close(): Promise<void> {
    await this.serialize(async () => (await this.handle).close());
  }

  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** Deletes a segment whose records are now in S3 objects. */
export function release(segment: string): void {
  unlinkSync(segment);
}

/** Every journal and segment in `dir`, per stream, oldest first: what a previous run acknowledged but did not deliver. */
export function leftovers(dir: string): Map<string, { files: string[]; records: JournaledRecord[] }> {
  const found = new Map<string, { files: string[]; records: JournaledRecord[] }>();
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return found;
  }
  for (const name of names) {
    const match = /^(.+?)\.(?:\d+-\d+\.flushing|journal)$/.exec(name);
    if (!match) continue;
    const entry = found.get(match[1]!) ?? { files: [], records: [] };
    entry.files.push(join(dir, name));
    entry.records.push(...decode(readFileSync(join(dir, name), 'utf8')));
    found.set(match[1]!, entry);
  }
  return found;
}
