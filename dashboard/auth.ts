/**
 * Where the dashboard's API credential comes from, behind one small interface so a deployment
 * can plug in its own sign-in (e.g. an OAuth PKCE flow) without touching the pages.
 *
 * Local runs: `npm start` prints `http://localhost:<PORT>/#token=<token>`. The token is read
 * from the fragment once, removed from the address bar (so it is not bookmarked or shown in a
 * screenshot) and kept in localStorage, so every tab of this browser is signed in and a deep
 * link opened in a second tab keeps its view. A deep link opened before signing in is
 * remembered and reopened right after.
 */
export interface TokenSource {
  /** The credential to send as `Authorization: Bearer`, or null when signed out. */
  current(): string | null;
  /** Takes a credential the page was opened with (the `#token=` fragment); returns the route to open after. */
  adopt(): { route: string } | null;
  /** The server refused the credential: forget it. */
  forget(): void;
  /** Remembers the route a signed-out visitor asked for, to reopen after sign-in. */
  rememberRoute(route: string): void;
}

const TOKEN_KEY = 'reftrack.apiToken';
const RETURN_KEY = 'reftrack.returnTo';

export const fragmentTokenSource: TokenSource = {
  current: () => localStorage.getItem(TOKEN_KEY),
  adopt() {
    const fragment = location.hash.replace(/^#/, '');
    if (!fragment.startsWith('token=')) return null;
    const token = decodeURIComponent(fragment.slice('token='.length).split('&')[0] ?? '');
    if (token) localStorage.setItem(TOKEN_KEY, token);
    const route = sessionStorage.getItem(RETURN_KEY) ?? '#/';
    sessionStorage.removeItem(RETURN_KEY);
    history.replaceState(null, '', `${location.pathname}${location.search}${route.startsWith('#/') ? route : '#/'}`);
    return { route };
  },
  forget: () => localStorage.removeItem(TOKEN_KEY),
  rememberRoute: (route) => {
    if (route.startsWith('#/')) sessionStorage.setItem(RETURN_KEY, route);
  },
};
