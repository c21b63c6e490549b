/**
 * `/dashboard-config.json`: which sign-in adapter the page uses. Locally the server answers
 * `local-token`; in AWS the deployment writes the `oidc` form with the Cognito managed-login
 * endpoints (infra/constructs/dashboard-site.ts). Types only, shared by the page and the servers.
 */
export interface LocalTokenSignIn {
  readonly kind: 'local-token';
}

/** Authorization code flow with PKCE (a public client: no secret in the page). */
export interface OidcSignIn {
  readonly kind: 'oidc';
  readonly clientId: string;
  /** e.g. `https://<domain>.auth.<region>.amazoncognito.com/oauth2/authorize` */
  readonly authorizeUrl: string;
  /** e.g. `https://<domain>.auth.<region>.amazoncognito.com/oauth2/token` */
  readonly tokenUrl: string;
  /** Where signing out goes, complete with its parameters (Cognito: `/logout?client_id=...&logout_uri=...`). */
  readonly logoutUrl: string;
  /** Registered callback: the dashboard's own root URL. */
  readonly redirectUri: string;
  readonly scopes: readonly string[];
}

export interface DashboardConfig {
  readonly signIn: LocalTokenSignIn | OidcSignIn;
}
