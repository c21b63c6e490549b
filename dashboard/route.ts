/**
 * Hash routes with their view parameters, so a link opens the same view:
 *   #/                                   overview
 *   #/vendor/<code>?period=last-month    a vendor, with the period
 *   #/?from=2026-11-01&to=2026-11-15     a custom range
 *   #/outreach[/<code>]
 * Only hashes starting with `#/` are routes: `#main` (the skip link) and other in-page
 * anchors leave the page as it is.
 */
export type Route =
  | { readonly page: 'overview'; readonly params: URLSearchParams }
  | { readonly page: 'vendor'; readonly code: string; readonly params: URLSearchParams }
  | { readonly page: 'outreach'; readonly code: string | null; readonly params: URLSearchParams };

export function isRoute(hash: string): boolean {
  return hash === '' || hash === '#' || hash.startsWith('#/');
}

export function parseRoute(hash: string): Route {
  const body = hash.replace(/^#\/?/, '');
  const q = body.indexOf('?');
  const path = q >= 0 ? body.slice(0, q) : body;
  const params = new URLSearchParams(q >= 0 ? body.slice(q + 1) : '');
  const parts = path.split('/').filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  if (parts[0] === 'vendor' && parts[1]) return { page: 'vendor', code: parts[1], params };
  if (parts[0] === 'outreach') return { page: 'outreach', code: parts[1] ?? null, params };
  return { page: 'overview', params };
}

export function routeHash(route: Route): string {
  const path = route.page === 'vendor' ? `/vendor/${encodeURIComponent(route.code)}` : route.page === 'outreach' ? `/outreach${route.code ? `/${encodeURIComponent(route.code)}` : ''}` : '/';
  const query = route.params.toString();
  return `#${path}${query ? `?${query}` : ''}`;
}

/** Same page (and vendor): only the parameters differ, so the view is updated, not rebuilt. */
export function samePage(a: Route, b: Route): boolean {
  return a.page === b.page && (a.page === 'overview' || (a as { code: string | null }).code === (b as { code: string | null }).code);
}
