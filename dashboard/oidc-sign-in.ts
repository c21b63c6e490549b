/**
 * Sign-in through an OpenID Connect provider (Cognito's managed login in AWS): authorization
 * code flow with PKCE (RFC 7636), for a public client with no secret. Password, MFA enrolment
 * (the authenticator QR code) and MFA codes all happen on the provider's pages; the page only
 * ever holds the resulting access token, in sessionStorage (this tab only), until it expires.
 */
import type { SignIn } from './sign-in.ts';
import type { OidcSignIn } from './sign-in-config.ts';

const PENDING_KEY = 'reftrack.oidc.pending';
const TOKEN_KEY = 'reftrack.oidc.token';
/** Stop using a token this long before it expires, so a refresh never races its expiry. */
const EXPIRY_MARGIN_MS = 60_000;

interface Pending {
  readonly state: string;
  readonly verifier: string;
  /** The route the analyst asked for, restored after the round trip. */
  readonly hash: string;
}

interface StoredToken {
  readonly accessToken: string;
  readonly expiresAt: number;
}

const base64url = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const randomString = (): string => base64url(crypto.getRandomValues(new Uint8Array(32)));

async function challengeOf(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

function read<T>(key: string): T | null {
  try {
    return JSON.parse(sessionStorage.getItem(key) ?? 'null') as T | null;
  } catch {
    return null;
  }
}

export function oidcSignIn(config: OidcSignIn): SignIn {
  return {
    kind: 'oidc',

    begin() {
      const pending: Pending = { state: randomString(), verifier: randomString(), hash: location.hash };
      sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
      void challengeOf(pending.verifier).then((challenge) => {
        const url = new URL(config.authorizeUrl);
        url.search = new URLSearchParams({
          response_type: 'code',
          client_id: config.clientId,
          redirect_uri: config.redirectUri,
          scope: config.scopes.join(' '),
          state: pending.state,
          code_challenge: challenge,
          code_challenge_method: 'S256',
        }).toString();
        location.assign(url.toString());
      });
    },

    async complete() {
      const params = new URLSearchParams(location.search);
      const code = params.get('code');
      if (!code && !params.get('error')) return;
      const pending = read<Pending>(PENDING_KEY);
      sessionStorage.removeItem(PENDING_KEY);
      // The code leaves the address bar at once (no bookmark or screenshot carries it).
      history.replaceState(null, '', `${location.pathname}${pending?.hash || '#/'}`);
      // A response to a request this tab did not make (or an error) is dropped: sign in again.
      if (!code || !pending || params.get('state') !== pending.state) return;
      const res = await fetch(config.tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', client_id: config.clientId, code, redirect_uri: config.redirectUri, code_verifier: pending.verifier }),
      });
      if (!res.ok) return;
      const body = (await res.json()) as { access_token?: string; expires_in?: number };
      if (!body.access_token) return;
      const stored: StoredToken = { accessToken: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 3600) * 1000 };
      sessionStorage.setItem(TOKEN_KEY, JSON.stringify(stored));
    },

    token() {
      const stored = read<StoredToken>(TOKEN_KEY);
      return stored && stored.expiresAt - EXPIRY_MARGIN_MS > Date.now() ? stored.accessToken : null;
    },

    signOut() {
      sessionStorage.removeItem(TOKEN_KEY);
      location.assign(config.logoutUrl);
    },
  };
}
