/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles only (an esbuild alias in
 * infra/constructs/reftrack-function.ts). Lambda puts the execution role's credentials in the
 * environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), so a function never
 * needs the rest of the SDK's default chain (profiles, SSO, login, process, web identity, IMDS and
 * the STS/SSO clients they carry): about 130 KiB of every bundle, parsed at every cold start.
 * The CLI and `npm start` are not bundled and keep the full chain.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

/** Same name and shape as the default chain's export, which the SDK clients' runtime config imports. */
export function defaultProvider(_init?: unknown): ReturnType<typeof fromEnv> {
  return fromEnv();
}
