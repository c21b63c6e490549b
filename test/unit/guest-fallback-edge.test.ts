/** The Lambda@Edge origin-response source, run as Lambda@Edge would run it (CommonJS, one event). */
import { createRequire } from 'node:module';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guestFallbackSource } from '../../infra/constructs/guest-fallback-edge.ts';

const FALLBACK = 'https://queenofsandiego.com/?from="fallback"';
const file = join(mkdtempSync(join(tmpdir(), 'reftrack-edge-')), 'index.js');
writeFileSync(file, guestFallbackSource(FALLBACK));
const { handler } = createRequire(import.meta.url)(file) as { handler: (e: unknown) => Promise<any> };
const event = (status: string) => ({ Records: [{ cf: { response: { status, statusDescription: 'x', headers: { location: [{ key: 'Location', value: 'https://queenofsandiego.com/?utm_source=solare' }] } } } }] });

describe('origin 403/429/5xx on /ref/* becomes a 302 to the fallback', () => {
  it('throttled, refused (a broken origin signature) or failing: 302 to the fallback, not cached', async () => {
    for (const status of ['403', '429', '500', '502', '503', '504']) {
      const out = await handler(event(status));
      expect(out.status, status).toBe('302');
      expect(out.headers.location).toEqual([{ key: 'Location', value: FALLBACK }]);
      expect(out.headers['cache-control'][0].value).toBe('no-store');
    }
  });
  it('the redirect\'s own answers pass unchanged', async () => {
    for (const status of ['200', '302', '400', '404', '405']) {
      const e = event(status);
      expect(await handler(e), status).toBe(e.Records[0]!.cf.response);
    }
  });
});
