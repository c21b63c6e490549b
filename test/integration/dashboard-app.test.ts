import { describe, expect, it } from 'vitest';
import { createDashboardApp } from '../../http/dashboard-app.ts';
import { telemetry } from '../support/telemetry.ts';

const app = createDashboardApp({ telemetry });

describe('dashboard static app', () => {
  it('serves the page with a CSP that allows scripts only from this server, and no referrer', async () => {
    const res = await app.request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await res.text();
    expect(html).toContain('src="/assets/dashboard.js"');
    expect(html).toContain('aria-live="polite"');
  });

  it('bundles the browser TypeScript on request, importing uPlot from the served dist file', async () => {
    const res = await app.request('/assets/dashboard.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/javascript');
    const js = await res.text();
    expect(js).toContain('from "/assets/uplot/uPlot.esm.js"');
    // Our code writes data into the page as text only; uPlot is not in this bundle.
    expect(js).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });

  it("serves uPlot's own dist files and the stylesheet", async () => {
    const esm = await app.request('/assets/uplot/uPlot.esm.js');
    expect(esm.status).toBe(200);
    expect(await esm.text()).toContain('export { uPlot as default }');
    const css = await app.request('/assets/uplot/uPlot.min.css');
    expect(css.headers.get('content-type')).toContain('text/css');
    expect(await css.text()).toContain('.uplot');
    expect((await app.request('/assets/dashboard.css')).status).toBe(200);
  });

  it('serves nothing else from disk', async () => {
    for (const path of ['/assets/../package.json', '/assets/uplot/package.json', '/dashboard/main.ts', '/assets/main.ts']) {
      expect((await app.request(path)).status, path).toBe(404);
    }
  });
});
