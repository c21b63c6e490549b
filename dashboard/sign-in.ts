/**
 * One dashboard, two sign-in adapters, chosen by `/dashboard-config.json`:
 *  - `local-token` (npm start): the token printed in the `#token=` link;
 *  - `oidc` (AWS): Cognito's managed login, authorization code flow with PKCE (oidc-sign-in.ts).
 * Both hand the API client a bearer token and nothing else; the pages do not know which is in use.
 */
import type { DashboardConfig } from './sign-in-config.ts';
import { oidcSignIn } from './oidc-sign-in.ts';

export interface SignIn {
  readonly kind: DashboardConfig['signIn']['kind'];
  /** Finishes a sign-in the page came back from (the `#token=` fragment, or `?code=&state=`). */
  complete(): Promise<void>;
  /** The bearer token for API calls, or null when the analyst must sign in (again). */
  token(): string | null;
  /** Starts signing in (a redirect), where the adapter can; locally there is nothing to start. */
  begin?(): void;
  signOut?(): void;
}

const TOKEN_KEY = 'reftrack.apiToken';

/** Moves `#token=...` from the address bar into sessionStorage and leaves the overview route in its place. */
export function adoptTokenFromFragment(): void {
  const fragment = location.hash.replace(/^#/, '');
  if (!fragment.startsWith('token=')) return;
  const token = decodeURIComponent(fragment.slice('token='.length).split('&')[0] ?? '');
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  history.replaceState(null, '', `${location.pathname}${location.search}#/`);
}

export const localTokenSignIn: SignIn = {
  kind: 'local-token',
  complete: async () => adoptTokenFromFragment(),
  token: () => sessionStorage.getItem(TOKEN_KEY),
};

/** The adapter the server asks for; a page whose config cannot be read falls back to the local token. */
export async function chooseSignIn(): Promise<SignIn> {
  let config: DashboardConfig | undefined;
  try {
    const res = await fetch('/dashboard-config.json', { cache: 'no-store' });
    if (res.ok) config = (await res.json()) as DashboardConfig;
  } catch {
    /* no config: the local adapter */
  }
  return config?.signIn.kind === 'oidc' ? oidcSignIn(config.signIn) : localTokenSignIn;
}
