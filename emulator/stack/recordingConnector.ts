// Plays the channel's side of the Bot Framework protocol (the activity's serviceUrl) on 127.0.0.1:
// records every activity the bot sends or updates and answers with an id, like Teams' connector.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity } from 'botbuilder';

export interface RecordedActivity {
  readonly method: 'POST' | 'PUT';
  readonly conversationId: string;
  /** The activity replied to (POST .../activities/:id) or updated (PUT). */
  readonly targetActivityId?: string;
  /** The id the connector gave (POST) or kept (PUT). */
  readonly id: string;
  readonly activity: Partial<Activity>;
  /** Local mode sends no token; recorded so tests can check that. */
  readonly authorization?: string;
  /** performance.now() when received (timing checks: a resend after a lease, fan-out latency). */
  readonly at?: number;
}

export interface RecordingConnector {
  /** The serviceUrl to put in activities sent to the bot. */
  readonly url: string;
  readonly activities: readonly RecordedActivity[];
  /** Everything recorded after `mark` (a count from an earlier `activities.length`). */
  since(mark: number): RecordedActivity[];
  clear(): void;
  close(): Promise<void>;
}

const ROUTE = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?\/?$/;
const MAX_BODY_BYTES = 1024 * 1024;

export async function startRecordingConnector(): Promise<RecordingConnector> {
  const activities: RecordedActivity[] = [];

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => reply(res, 500, { error: { code: 'ServiceError', message: 'recording connector failed' } }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = ROUTE.exec(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    const method = req.method === 'POST' || req.method === 'PUT' ? req.method : undefined;
    if (!match || !method || (method === 'PUT' && !match[2])) {
      return reply(res, 404, { error: { code: 'NotFound', message: `${req.method} ${req.url}` } });
    }
    const body = await readJson(req);
    if (!body || typeof body !== 'object') return reply(res, 400, { error: { code: 'BadArgument', message: 'body is not JSON' } });
    const conversationId = decodeURIComponent(match[1]!);
    const targetActivityId = match[2] ? decodeURIComponent(match[2]) : undefined;
    const id = method === 'PUT' ? targetActivityId! : randomUUID();
    activities.push({
      method,
      conversationId,
      ...(targetActivityId ? { targetActivityId } : {}),
      id,
      activity: body as Partial<Activity>,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      at: performance.now(),
    });
    return reply(res, method === 'POST' ? 201 : 200, { id });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    activities,
    since: (mark) => activities.slice(mark),
    clear: () => void activities.splice(0),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}
