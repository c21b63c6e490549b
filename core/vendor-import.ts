import type { Vendor } from './vendor.ts';

/** Where imported vendors go: a put that can refuse to overwrite. */
export interface VendorSink {
  /** Resolves to false when `ifAbsent` is set and the vendor already exists. */
  put(vendor: Vendor, opts: { readonly ifAbsent: boolean }): Promise<boolean>;
}

export interface VendorImportResult {
  /** Codes written now. */
  readonly added: string[];
  /** Codes that already existed and were left exactly as they were (a pause or a new name survives). */
  readonly kept: string[];
}

/**
 * Adds every vendor of a list that does not exist yet and never touches one that does. The
 * deployment runs it with config/vendors.json on every deploy, `npm start` on every start and
 * `reftrack vendors import FILE` on demand, so running it again is always harmless.
 */
export async function importVendors(sink: VendorSink, vendors: readonly Vendor[]): Promise<VendorImportResult> {
  const added: string[] = [];
  const kept: string[] = [];
  for (const vendor of vendors) ((await sink.put(vendor, { ifAbsent: true })) ? added : kept).push(vendor.code);
  return { added, kept };
}
