/**
 * Authentication of the JSON API (`/api/v1/*`, outreach included). Which middleware runs is
 * chosen by the composition root (handlers/api.ts: API Gateway; local/start.ts: the bearer
 * token); the apps only take "some middleware", so the routes are written once.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { UnauthorizedError } from '../core/errors.ts';
import { errorResponse } from './errors.ts';

function refuse(c: Context, message: string): Response {
  const { status, body } = errorResponse(new UnauthorizedError(message));
  c.header('WWW-Authenticate', 'Bearer realm="reftrack"');
  c.header('Cache-Control', 'no-store');
  return c.json(body, status);
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Local runs: `Authorization: Bearer <token>` with the token kept in `.data/secrets.json`.
 * Compared as SHA-256 digests with timingSafeEqual, so neither the content nor the length
 * of the token leaks through response timing.
 */
export function bearerTokenAuth(token: string): MiddlewareHandler {
  if (token.length < 16) throw new Error('the API token must be at least 16 characters');
  const expected = digest(token);
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    if (!match) return refuse(c, 'missing bearer token: send "Authorization: Bearer <token>" (npm start prints it)');
    if (!timingSafeEqual(digest(match[1]!), expected)) return refuse(c, 'invalid bearer token');
    await next();
  };
}

interface GatewayRequestContext {
  readonly authorizer?: { readonly iam?: unknown; readonly jwt?: unknown; readonly lambda?: unknown } | null;
}

/**
 * In AWS, API Gateway authorizes the route (IAM for programs, a Cognito JWT for people) before
 * the Lambda runs, so the app does not check credentials again. It does check that an
 * authorizer actually ran: a route deployed without one (a CDK slip) then fails closed with
 * 401 instead of serving the numbers to anyone.
 */
export const apiGatewayAuthorized: MiddlewareHandler = async (c, next) => {
  const env = c.env as { event?: { requestContext?: GatewayRequestContext } } | undefined;
  const authorizer = env?.event?.requestContext?.authorizer;
  if (!authorizer || !(authorizer.iam || authorizer.jwt || authorizer.lambda)) return refuse(c, 'this route must be called through API Gateway with IAM or JWT authorization');
  await next();
};
