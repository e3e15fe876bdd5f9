// restify ships without TypeScript types; this is the small surface the bot uses, typed here
// rather than with a global module declaration that could clash with someone else's.
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RestifyRequest extends IncomingMessage {
  body?: unknown;
  headers: IncomingMessage['headers'];
}

export interface RestifyResponse extends ServerResponse {
  status(code: number): number;
  send(code?: unknown, body?: unknown): void;
  header(name: string, value: unknown): unknown;
}

export type RestifyHandler = (req: RestifyRequest, res: RestifyResponse) => Promise<void> | void;

export interface RestifyServer {
  readonly server: HttpServer;
  use(handler: unknown): void;
  /** Handlers run before routing, on every request: (req, res, next), next(false) stops. */
  pre(handler: (req: RestifyRequest, res: RestifyResponse, next: (stop?: false) => void) => void): void;
  post(path: string, handler: RestifyHandler): void;
  get(path: string, handler: RestifyHandler): void;
  listen(port: number, host: string, callback: () => void): void;
  close(callback: () => void): void;
  address(): AddressInfo;
  on(event: string, listener: (...args: unknown[]) => void): void;
}

// No body plugins: restify's bodyParser parses multipart to temp files and form bodies. Bodies are
// read by ./jsonBody.ts only.
interface RestifyModule {
  createServer(options: { name: string; handleUncaughtExceptions?: boolean }): RestifyServer;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const restify = require('restify') as RestifyModule;
