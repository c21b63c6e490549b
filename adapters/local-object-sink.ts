import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { ObjectSink } from '../core/outreach/ports.ts';
import { ValidationError } from '../core/errors.ts';

/**
 * A bucket as a directory: `<root>/<bucket>/<key>`, the layout `aws s3 sync` would produce,
 * so a local publish can be inspected (or uploaded) as it would sit in S3.
 */
export class LocalDirectoryObjectSink implements ObjectSink {
  private readonly base: string;

  constructor(root: string, bucket: string) {
    this.base = resolve(root, bucket);
  }

  pathOf(key: string): string {
    const path = resolve(join(this.base, key));
    // Keys are built from vendor codes, but a sink should never write outside its bucket.
    if (!path.startsWith(this.base + sep)) throw new ValidationError(`object key escapes the bucket: ${key}`);
    return path;
  }

  async put(key: string, body: string | Uint8Array, _contentType: string): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    // Write then rename, so a reader (the preview server) never sees half a file.
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, body);
    await rename(temp, path);
  }

  describe(key: string): string {
    return this.pathOf(key);
  }
}
