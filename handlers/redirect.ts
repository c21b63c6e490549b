/** Lambda entry for `GET|HEAD /ref/{code}` behind the HTTP API (payload v2). */
import { getConnInfo, handle } from 'hono/aws-lambda';
import { createRedirectApp } from '../http/redirect-app.ts';
import { wireRedirect } from '../http/wiring.ts';

const app = createRedirectApp({ ...wireRedirect(), clientIp: (c) => getConnInfo(c).remote.address });

export const handler = handle(app);
