import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildDashboard, createDashboardApp } from '../../http/dashboard-app.ts';
import { telemetry } from '../support/telemetry.ts';

const app = createDashboardApp({ telemetry });

describe('dashboard static app', () => {
  it('serves the pages with a CSP that allows scripts only from this server, and no referrer', async () => {
    for (const path of ['/', '/portal']) {
      const res = await app.request(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe/);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      const html = await res.text();
      expect(html).toMatch(/src="\/assets\/(dashboard|portal)\.[0-9a-f]{12}\.js"/);
      expect(html).toMatch(/href="\/assets\/dashboard\.[0-9a-f]{12}\.css"/);
      expect(html).toContain('aria-live="polite"');
      expect(html).toContain('<main id="main"');
    }
  });

  it('one build: minified bundles, uPlot in one lazily imported chunk, no source map, content-addressed copies cached for a year', async () => {
    const files = await buildDashboard();
    const chunks = files.filter((f) => /^\/assets\/chunk-[A-Z0-9]+\.js$/.test(f.path));
    // Both pages import the same uPlot chunk (one build per page, so no shared chunk on the first render's path).
    expect(chunks).toHaveLength(1);
    const chunk = new TextDecoder().decode(chunks[0]!.body);
    expect(chunk).toContain('u-legend');
    for (const page of ['/assets/dashboard.js', '/assets/portal.js']) {
      const text = new TextDecoder().decode(files.find((f) => f.path === page)!.body);
      expect(text).not.toContain('sourceMappingURL');
      expect(text).not.toMatch(/\n {2}/); // minified: no indented lines
      expect(text).not.toContain('u-legend'); // uPlot is not in the page's own bundle...
      expect(text).toContain(`import("./${chunks[0]!.path.slice('/assets/'.length)}")`); // ...but imported when a chart is drawn
      expect(text).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
      // The browser bundle carries no validation library (zod stays on the server).
      expect(text).not.toContain('ZodError');
      expect(text.length).toBeLessThan(50_000);
    }
    const hashed = files.filter((f) => /\.[0-9a-f]{12}\.(js|css)$/.test(f.path));
    expect(hashed).toHaveLength(3);
    for (const f of [...hashed, ...chunks]) expect(f.cacheControl).toBe('public, max-age=31536000, immutable');
    const served = await app.request(chunks[0]!.path, { headers: { 'accept-encoding': 'br' } });
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toContain('text/javascript');
    expect(served.headers.get('content-encoding')).toBe('br');
  });

  it('compresses with brotli or gzip when the browser accepts it', async () => {
    const html = await (await app.request('/')).text();
    const path = /src="(\/assets\/dashboard\.[0-9a-f]{12}\.js)"/.exec(html)![1]!;
    const plain = await (await app.request(path)).text();
    const br = await app.request(path, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toBe('Accept-Encoding');
    expect(brotliDecompressSync(Buffer.from(await br.arrayBuffer())).toString()).toBe(plain);
    const gz = await app.request(path, { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(plain);
    const css = await app.request('/assets/dashboard.css');
    expect(css.headers.get('content-type')).toContain('text/css');
    expect(await css.text()).toContain('.uplot');
  });

  it('serves nothing else from disk', async () => {
    for (const path of ['/assets/../package.json', '/assets/uplot/package.json', '/dashboard/main.ts', '/assets/main.ts', '/assets/nope.js', '/assets/dashboard.000000000000.js', '/assets/chunk-AAAAAAAA.js']) {
      expect((await app.request(path)).status, path).toBe(404);
    }
  });
});
