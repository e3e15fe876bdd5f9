// The framework's floor for the turn-cost benchmark: the same CloudAdapter, channel
// authentication and restify stack as the bot (bot/server.ts), answering every message with an
// echo and nothing else. No state, no dialogs, no PIM. Run in a child by tests/support/botProcess.
import { CloudAdapter, type TurnContext } from 'botbuilder';
import type { BotConfig } from '../bot/config';
import { createChannelAuthentication } from '../bot/http/channelAuth';
import { restify, type RestifyRequest, type RestifyResponse } from '../bot/http/restify';
import type { BotApp } from '../bot/server';

export function createEchoBotApp(config: BotConfig): BotApp {
  const adapter = new CloudAdapter(createChannelAuthentication(config));
  const server = restify.createServer({ name: 'echo-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: 256 * 1024, mapParams: false, mapFiles: false }));
  server.post('/api/messages', async (req: RestifyRequest, res: RestifyResponse) => {
    await adapter.process(req as Parameters<CloudAdapter['process']>[0], res, async (context: TurnContext) => {
      if (context.activity.type === 'message') await context.sendActivity(`echo: ${context.activity.text ?? ''}`);
    });
  });
  return {
    listen: (port, host = '127.0.0.1') =>
      new Promise((resolve) => server.listen(port, host, () => resolve({ port: server.address().port }))),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.server.closeIdleConnections();
      }),
  };
}
