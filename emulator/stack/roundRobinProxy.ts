// A tiny round-robin HTTP load balancer on 127.0.0.1 in front of several bot instances, like the
// platform's front door in front of scaled-out App Service / Container Apps instances.
// A backend that refuses the connection (down, restarting) is skipped for the next one, as a
// health-probing balancer would; a backend that dies mid-request yields a 502, as in production.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  readonly backend: number;
  readonly status: number;
}

export interface RoundRobinProxy {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** Backend origins (http://127.0.0.1:PORT), by index; replace one after a restart on a new port. */
  readonly backends: string[];
  /** Every request forwarded, in order of completion. */
  readonly log: readonly ProxiedRequest[];
  /** Called with the backend index as each request is forwarded (before the answer). */
  onForward?: (backend: number) => void;
  /** Requests forwarded to `backend` and not answered yet. */
  pending(backend: number): number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

export async function startRoundRobinProxy(backends: readonly string[]): Promise<RoundRobinProxy> {
  if (backends.length === 0) throw new Error('a proxy needs at least one backend');
  let next = 0;
  const log: ProxiedRequest[] = [];
  const pending = new Map<number, number>();
  const settle = (backend: number): void => void pending.set(backend, (pending.get(backend) ?? 1) - 1);

  const server = createServer((req, res) => {
    void readBody(req).then(
      (body) => (body === undefined ? answer(res, 413, 'request body too large') : forward(req, res, body, backends.length)),
      () => answer(res, 400, 'could not read the request'),
    );
  });

  async function forward(req: IncomingMessage, res: ServerResponse, body: Buffer, attemptsLeft: number): Promise<void> {
    const index = next;
    next = (next + 1) % proxy.backends.length;
    const target = new URL(req.url ?? '/', proxy.backends[index]);
    let settled = false;
    const done = (): boolean => {
      if (settled) return false;
      settled = true;
      settle(index);
      return true;
    };
    pending.set(index, (pending.get(index) ?? 0) + 1);
    proxy.onForward?.(index);
    const upstream = request(target, { method: req.method, headers: { ...req.headers, host: target.host, connection: 'keep-alive' } });
    upstream.on('response', (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => {
        if (!done()) return;
        log.push({ backend: index, status: r.statusCode ?? 502 });
        const headers = { ...r.headers };
        delete headers['transfer-encoding'];
        delete headers['connection'];
        res.writeHead(r.statusCode ?? 502, headers);
        res.end(Buffer.concat(chunks));
      });
      r.on('error', () => fail(index));
    });
    upstream.on('error', (e: NodeJS.ErrnoException) => {
      // Nothing reached a backend that refused the connection: try the next one.
      if (e.code === 'ECONNREFUSED' && attemptsLeft > 1 && done()) {
        return void forward(req, res, body, attemptsLeft - 1);
      }
      fail(index);
    });
    upstream.end(body);

    function fail(backend: number): void {
      if (!done()) return;
      log.push({ backend, status: 502 });
      if (!res.headersSent) answer(res, 502, 'the backend did not answer');
      else res.destroy();
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const proxy: RoundRobinProxy = {
    url: `http://127.0.0.1:${port}`,
    backends: [...backends],
    log,
    pending: (backend) => pending.get(backend) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return proxy;
}

function answer(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: message }));
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
