import type { VendorCode } from '../vendor-code.ts';
import type { ApprovalCard } from './approval-card.ts';

/**
 * Where approval cards live. Writes are conditional: `create` only if no card exists
 * (CardExistsError), `replace` only if the stored version is still `expectedVersion`
 * (ConcurrentCardChangeError), so of two approvers acting on the same read, one wins.
 */
export interface ApprovalCardStore {
  get(vendor: VendorCode): Promise<ApprovalCard | undefined>;
  list(): Promise<ApprovalCard[]>;
  create(card: ApprovalCard): Promise<void>;
  replace(card: ApprovalCard, expectedVersion: number): Promise<void>;
}

/** A place to put published files: a bucket in AWS, a directory locally. */
export interface ObjectSink {
  put(key: string, body: string | Uint8Array, contentType: string): Promise<void>;
  /** Human-readable location of a key (`s3://bucket/key` or a file path), for CLI output. */
  describe(key: string): string;
}
