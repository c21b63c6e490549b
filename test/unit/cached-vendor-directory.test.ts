/** The redirect's vendor cache: one read per TTL, shared refreshes, stale-if-error. */
import { describe, expect, it } from 'vitest';
import { CachedVendorDirectory } from '../../core/cached-vendor-directory.ts';
import { StoreUnavailableError } from '../../core/errors.ts';
import { Vendor } from '../../core/vendor.ts';
import type { VendorCode } from '../../core/vendor-code.ts';

const solare = Vendor.parse({ code: 'solare', name: 'Solare' });
const renamed = Vendor.parse({ code: 'solare', name: 'Solare Ristorante' });
const code = 'solare' as VendorCode;

function fixture(ttlMs = 1_000) {
  let now = 0;
  const calls: number[] = [];
  let answer: () => Promise<Vendor[]> = async () => [solare];
  const dir = new CachedVendorDirectory({ list: () => (calls.push(now), answer()) }, { now: () => new Date(now) }, ttlMs);
  return {
    dir,
    calls,
    at: (ms: number) => void (now = ms),
    answer: (next: () => Promise<Vendor[]>) => void (answer = next),
  };
}

describe('CachedVendorDirectory', () => {
  it('one read serves every lookup, known or not, until the TTL has passed; exactly at the TTL it reloads', async () => {
    const f = fixture(1_000);
    expect(await f.dir.find(code)).toEqual(solare);
    expect(await f.dir.find('nosuch' as VendorCode)).toBeUndefined();
    f.at(999);
    f.answer(async () => [renamed]);
    expect((await f.dir.find(code))!.name).toBe('Solare');
    f.at(1_000);
    expect((await f.dir.find(code))!.name).toBe('Solare Ristorante');
    expect(f.calls).toEqual([0, 1_000]);
  });

  it('the TTL counts from when the list arrived, not from when it was asked for', async () => {
    const f = fixture(1_000);
    let arrive: (v: Vendor[]) => void = () => {};
    f.answer(() => new Promise((resolve) => (arrive = resolve)));
    const first = f.dir.find(code);
    f.at(500);
    arrive([solare]);
    await first;
    f.at(1_499);
    await f.dir.find(code);
    expect(f.calls).toEqual([0]);
    f.at(1_500);
    f.answer(async () => [solare]);
    await f.dir.find(code);
    expect(f.calls).toEqual([0, 1_500]);
  });

  it('concurrent lookups on an empty or expired cache share one read', async () => {
    const f = fixture();
    const found = await Promise.all([f.dir.find(code), f.dir.find(code), f.dir.find('nosuch' as VendorCode)]);
    expect(found).toEqual([solare, solare, undefined]);
    expect(f.calls).toHaveLength(1);
  });

  it('a failed refresh keeps serving the last good list, and the next lookup tries again', async () => {
    const f = fixture();
    await f.dir.find(code);
    f.at(5_000);
    f.answer(async () => {
      throw new StoreUnavailableError('state table down');
    });
    expect(await f.dir.find(code)).toEqual(solare);
    f.answer(async () => [renamed]);
    expect(await f.dir.find(code)).toEqual(renamed);
    expect(f.calls).toEqual([0, 5_000, 5_000]);
  });

  it('with no list ever loaded, the failure reaches the caller, and the next lookup tries again', async () => {
    const f = fixture();
    const down = new StoreUnavailableError('state table down');
    f.answer(async () => {
      throw down;
    });
    await expect(f.dir.find(code)).rejects.toBe(down);
    f.answer(async () => [solare]);
    expect(await f.dir.find(code)).toEqual(solare);
    expect(f.calls).toHaveLength(2);
  });

  it('invalidate forgets the list: the next lookup reads it again', async () => {
    const f = fixture(60_000);
    await f.dir.find(code);
    f.answer(async () => [renamed]);
    f.dir.invalidate();
    expect(await f.dir.find(code)).toEqual(renamed);
    expect(f.calls).toHaveLength(2);
  });
});
