/** `importVendors` (core/vendor-import.ts): adds what is missing, never touches what exists, says which was which. */
import { describe, expect, it } from 'vitest';
import { importVendors, type VendorSink } from '../../core/vendor-import.ts';
import { Vendor } from '../../core/vendor.ts';

describe('importVendors', () => {
  it('puts every vendor only if absent, in list order, and reports the codes added and kept', async () => {
    const existing = new Map([['puesto', Vendor.parse({ code: 'puesto', name: 'Puesto (renamed by staff)', status: 'paused' })]]);
    const calls: Array<[string, boolean]> = [];
    const sink: VendorSink = {
      async put(vendor, opts) {
        calls.push([vendor.code, opts.ifAbsent]);
        if (opts.ifAbsent && existing.has(vendor.code)) return false;
        existing.set(vendor.code, vendor);
        return true;
      },
    };
    const list = ['solare', 'puesto', 'lola'].map((code) => Vendor.parse({ code, name: code }));
    expect(await importVendors(sink, list)).toEqual({ added: ['solare', 'lola'], kept: ['puesto'] });
    expect(calls).toEqual([['solare', true], ['puesto', true], ['lola', true]]);
    // The existing vendor keeps its pause and its name.
    expect(existing.get('puesto')).toEqual(Vendor.parse({ code: 'puesto', name: 'Puesto (renamed by staff)', status: 'paused' }));
    // Running it again adds nothing.
    expect(await importVendors(sink, list)).toEqual({ added: [], kept: ['solare', 'puesto', 'lola'] });
    expect(await importVendors(sink, [])).toEqual({ added: [], kept: [] });
  });
});
