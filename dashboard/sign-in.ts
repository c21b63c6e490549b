/**
 * One dashboard, two sign-in adapters, chosen by `/dashboard-config.json`:
 *  - `local-token` (npm start): the token printed in the `#token=` link;
 *  - `oidc` (AWS): Cognito's managed login, authorization code flow with PKCE (oidc-sign-in.ts).
 * Both hand the API client a bearer token and nothing else; the pages do not know which is in use.
 */
import type { DashboardConfig } from './sign-in-config.ts';
import { fragmentTokenSource } from './auth.ts';
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

/** Locally: the `#token=` link `npm start` prints (auth.ts's fragment token source). */
export const localTokenSignIn: SignIn = {
  kind: 'local-token',
  complete: async () => void fragmentTokenSource.adopt(),
  token: () => fragmentTokenSource.current(),
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
