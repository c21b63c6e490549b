/** Lambda entry for `GET /api/v1/*` behind the HTTP API (payload v2, IAM or JWT authorizer on every route). */
import { handle } from 'hono/aws-lambda';
import { createApiApp } from '../http/api-app.ts';
import { wireApi } from '../http/api-wiring.ts';

const app = createApiApp(wireApi());

export const handler = handle(app);
