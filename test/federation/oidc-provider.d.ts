/** The part of oidc-provider (a dev dependency, untyped) the OIDC tests use. */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  interface IdTokenInstance {
    scope: string;
    set(key: string, value: unknown): void;
    issue(opts: { use: 'idtoken' }): Promise<string>;
  }
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    Client: { find(id: string): Promise<unknown> };
    IdToken: new (claims: Record<string, unknown>, opts: { client: unknown }) => IdTokenInstance;
  }
}
