declare module 'oidc-provider' {
  import type { Server } from 'node:http';
  type Context = { oidc: { params?: Record<string, string> }; request: { body?: Record<string, string> } };
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown> & { findAccount?: (ctx: unknown, sub: string) => Promise<unknown> });
    listen(port: number): Server;
    on(event: string, listener: (ctx: Context) => void): this;
  }
}
