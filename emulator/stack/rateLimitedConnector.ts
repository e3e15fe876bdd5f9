// A channel (Bot Connector) on 127.0.0.1 that enforces Teams' limits for bot messages: 7 per second
// per conversation and 50 per second per app (sliding one-second windows). Over a limit it answers
// 429 with Retry-After, as Teams does, and records nothing. Every accepted POST/PUT is recorded with
// its time, so a benchmark or test can measure fan-out and check nothing was dropped or doubled.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity } from 'botbuilder';

export interface Delivery {
  readonly method: 'POST' | 'PUT';
  readonly conversationId: string;
  readonly targetActivityId?: string;
  readonly id: string;
  /** performance.now() when accepted. */
  readonly at: number;
  readonly activity: Partial<Activity>;
}

export interface RateLimits {
  readonly perConversationPerSecond: number;
  readonly perAppPerSecond: number;
}

export const TEAMS_RATE_LIMITS: RateLimits = { perConversationPerSecond: 7, perAppPerSecond: 50 };

export interface RateLimitedConnector {
  readonly url: string;
  readonly deliveries: readonly Delivery[];
  /** The same list, under the name emulator/stack/chatDriver.ts reads. */
  readonly activities: readonly Delivery[];
  /** 429s answered, by conversation. */
  readonly refusals: ReadonlyMap<string, number>;
  since(mark: number): Delivery[];
  close(): Promise<void>;
}

const ROUTE = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?\/?$/;
const WINDOW_MS = 1000;

export async function startRateLimitedConnector(limits: RateLimits = TEAMS_RATE_LIMITS): Promise<RateLimitedConnector> {
  const deliveries: Delivery[] = [];
  const refusals = new Map<string, number>();
  const app: number[] = [];
  const perConversation = new Map<string, number[]>();

  /** Milliseconds until one more message fits both windows; 0 = now (and it is counted). */
  function admit(conversationId: string, now: number): number {
    const conv = perConversation.get(conversationId) ?? [];
    prune(app, now);
    prune(conv, now);
    const waitApp = app.length >= limits.perAppPerSecond ? app[0]! + WINDOW_MS - now : 0;
    const waitConv = conv.length >= limits.perConversationPerSecond ? conv[0]! + WINDOW_MS - now : 0;
    const wait = Math.max(waitApp, waitConv);
    if (wait > 0) return wait;
    app.push(now);
    conv.push(now);
    perConversation.set(conversationId, conv);
    return 0;
  }

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => reply(res, 500, { error: { code: 'ServiceError', message: 'connector failed' } }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = ROUTE.exec(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    const method = req.method === 'POST' || req.method === 'PUT' ? req.method : undefined;
    const body = await readJson(req);
    if (!match || !method || (method === 'PUT' && !match[2]))
      return reply(res, 404, { error: { code: 'NotFound', message: 'no such route' } });
    if (!body || typeof body !== 'object') return reply(res, 400, { error: { code: 'BadArgument', message: 'body is not JSON' } });
    const conversationId = decodeURIComponent(match[1]!);
    const now = performance.now();
    const wait = admit(conversationId, now);
    if (wait > 0) {
      refusals.set(conversationId, (refusals.get(conversationId) ?? 0) + 1);
      res.setHeader('retry-after', String(Math.max(1, Math.ceil(wait / 1000))));
      return reply(res, 429, { error: { code: 'TooManyRequests', message: 'Too many requests' } });
    }
    const targetActivityId = match[2] ? decodeURIComponent(match[2]) : undefined;
    const id = method === 'PUT' ? targetActivityId! : randomUUID();
    deliveries.push({
      method,
      conversationId,
      ...(targetActivityId ? { targetActivityId } : {}),
      id,
      at: now,
      activity: body as Partial<Activity>,
    });
    return reply(res, method === 'POST' ? 201 : 200, { id });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    deliveries,
    activities: deliveries,
    refusals,
    since: (mark) => deliveries.slice(mark),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function prune(times: number[], now: number): void {
  while (times.length > 0 && times[0]! <= now - WINDOW_MS) times.shift();
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}
