import type { ClickEvent } from './click-event.ts';
import type { Vendor } from './vendor.ts';
import type { VendorCode } from './vendor-code.ts';

/** `already-present`: the same clickId was stored before (an SDK retry, a drained spill, a recovery). */
export type AppendResult = 'appended' | 'already-present';

/** The append-only event log. `append` is idempotent per clickId: a retried append never duplicates. */
export interface ClickLog {
  append(event: ClickEvent): Promise<AppendResult>;
}

/**
 * Where a click goes when the event log is slow or down (a Kinesis stream in AWS, kinesalite
 * locally). A drain re-appends spilled events to the log with the same idempotent append.
 */
export interface ClickSpill {
  spill(event: ClickEvent): Promise<void>;
}

/** Read access to vendors; implementations cache, since it sits on the redirect hot path. */
export interface VendorDirectory {
  find(code: VendorCode): Promise<Vendor | undefined>;
}

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** A new ULID for `at`. */
  clickId(at: Date): string;
}

/** Statements finance has published for vendors to read (`reftrack portal publish`); the portal serves them. */
export interface StatementShelf {
  months(vendor: string): Promise<string[]>;
  get(vendor: string, month: string): Promise<string | undefined>;
}
