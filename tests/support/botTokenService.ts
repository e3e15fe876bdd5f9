// A stand-in for the Bot Framework token service (the Azure Bot's OAuth connections) on 127.0.0.1:
// holds users' SSO tokens per connection, exchanges a Teams SSO token, hands out sign-in resources,
// and records the Authorization header of every call (the bot must present its own app token).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BotTokenService {
  readonly url: string;
  /** Stores (or, with undefined, forgets) the token the connection holds for a channel user id. */
  setUserToken(userId: string, token: string | undefined): void;
  /** Decides whether an exchange succeeds (default: every token is accepted and stored). */
  acceptExchange: (token: string) => boolean;
  readonly calls: Array<{ method: string; path: string; authorization?: string }>;
  close(): Promise<void>;
}

export async function startBotTokenService(connectionName: string): Promise<BotTokenService> {
  const tokens = new Map<string, string>();
  const calls: BotTokenService['calls'] = [];
  const service: BotTokenService = {
    url: '',
    setUserToken: (userId, token) => (token === undefined ? tokens.delete(userId) : tokens.set(userId, token)),
    acceptExchange: () => true,
    calls,
    close: async () => undefined,
  };
  const server = createServer((req, res) => void handle(req, res));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    calls.push({
      method: req.method ?? '',
      path: url.pathname,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const userId = url.searchParams.get('userId') ?? '';
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.searchParams.get('connectionName') && url.searchParams.get('connectionName') !== connectionName)
      return send(400, { error: { code: 'BadArgument', message: 'unknown connection' } });
    if (req.method === 'GET' && url.pathname === '/api/usertoken/GetToken') {
      const token = tokens.get(userId);
      return token
        ? send(200, {
            connectionName,
            token,
            channelId: url.searchParams.get('channelId'),
            expiration: new Date(Date.now() + 3_600_000).toISOString(),
          })
        : send(404, {});
    }
    if (req.method === 'POST' && url.pathname === '/api/usertoken/exchange') {
      const token = (JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { token?: string }).token;
      if (!token || !service.acceptExchange(token)) return send(400, { error: { code: 'ServiceError', message: 'exchange refused' } });
      tokens.set(userId, token);
      return send(200, { connectionName, token, channelId: url.searchParams.get('channelId') });
    }
    if (req.method === 'GET' && url.pathname === '/api/botsignin/GetSignInResource') {
      return send(200, {
        signInLink: 'https://token.botframework.invalid/api/oauth/signin?signin=stand-in',
        tokenExchangeResource: { id: 'stand-in', uri: 'api://botid-stand-in', providerId: 'aadv2' },
      });
    }
    send(404, { error: { code: 'NotFound', message: url.pathname } });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(service, {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}
