import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from '../identity/principal';

/** One parsed request as every handler sees it. */
export interface EmulatorRequest {
  readonly method: string;
  /** Decoded path without the query string. */
  readonly path: string;
  /** The raw query string without '?', as sent (kept raw so OData options can be validated exactly). */
  readonly rawQuery: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly remoteAddress: string;
  readonly isLoopback: boolean;
  /** Server-assigned id, echoed in Graph error bodies and the request-id header. */
  readonly requestId: string;
  /** client-request-id header when the client sent one (Graph SDK does), else our own request id. */
  readonly clientRequestId: string;
  /** Path parameters captured by the route pattern. */
  params: Record<string, string>;
  /** Who called, set by the authentication step (user object id or app id); null = anonymous. */
  caller: string | null;
  /** The verified token's subject; set for Graph and ARM paths only. */
  principal: Principal | null;
}

export interface EmulatorResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** JSON body; undefined = no body. */
  readonly json?: unknown;
  /** An HTML page instead of JSON (the sign-in page a browser sees). */
  readonly html?: string;
}

export type Handler = (req: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;
