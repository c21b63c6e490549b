import type { Clock, VendorDirectory } from './ports.ts';
import type { Vendor } from './vendor.ts';
import type { VendorCode } from './vendor-code.ts';

/** Where the full vendor list comes from (the State table in practice). */
export interface VendorSource {
  list(): Promise<Vendor[]>;
}

/**
 * The whole vendor list, held in memory for `ttlMs`. One read serves every redirect
 * until it expires, so unknown or hostile codes cost no database read at all.
 * If a refresh fails, the last good list keeps serving (stale-if-error): an outage
 * of the State table must not turn known vendors into orphans.
 */
export class CachedVendorDirectory implements VendorDirectory {
  private cached: { byCode: Map<string, Vendor>; loadedAt: number } | undefined;
  private inflight: Promise<Map<string, Vendor>> | undefined;

  constructor(
    private readonly source: VendorSource,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  async find(code: VendorCode): Promise<Vendor | undefined> {
    return (await this.current()).get(code);
  }

  /** Forget the cached list (after `vendors add|pause|resume` in the same process). */
  invalidate(): void {
    this.cached = undefined;
  }

  private async current(): Promise<Map<string, Vendor>> {
    const now = this.clock.now().getTime();
    if (this.cached && now - this.cached.loadedAt < this.ttlMs) return this.cached.byCode;
    // Concurrent requests on an expired cache share one refresh instead of stampeding the table.
    this.inflight ??= this.source
      .list()
      .then((vendors) => {
        const byCode = new Map(vendors.map((v) => [v.code, v] as const));
        this.cached = { byCode, loadedAt: this.clock.now().getTime() };
        return byCode;
      })
      .catch((error: unknown) => {
        if (this.cached) return this.cached.byCode;
        throw error;
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }
}
