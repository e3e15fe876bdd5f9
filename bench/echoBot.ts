// The framework's floors for the turn-cost benchmark: the same CloudAdapter, channel
// authentication and restify stack as the bot (bot/server.ts), answering every message with an
// echo. The plain echo has no state, no dialogs, no PIM. The stateful echo also keeps a counter in
// conversation state on the bot's own Storage (read and written every turn), which any bot must
// pay that continues a conversation on another instance or after a restart. Run in a child by
// emulator/stack/botProcess.
import { CloudAdapter, ConversationState, type TurnContext } from 'botbuilder';
import { loadConfig, type BotConfig } from '../bot/config';
import { createChannelAuthentication } from '../bot/http/channelAuth';
import { jsonBodyGate } from '../bot/http/edge';
import { restify, type RestifyRequest, type RestifyResponse } from '../bot/http/restify';
import type { BotApp } from '../bot/server';
import { createStateStorage } from '../services/store/stateStorage';

export function createEchoBotApp(config: BotConfig): BotApp {
  return echoApp(config, async (context) => void (await context.sendActivity(`echo: ${context.activity.text ?? ''}`)));
}

export function createStatefulEchoBotApp(config: BotConfig): BotApp {
  const state = new ConversationState(createStateStorage(config.storage));
  const turns = state.createProperty<number>('turns');
  return echoApp(config, async (context) => {
    const count = (await turns.get(context, 0)) + 1;
    await turns.set(context, count);
    await context.sendActivity(`echo ${count}: ${context.activity.text ?? ''}`);
    await state.saveChanges(context);
  });
}

function echoApp(config: BotConfig, onMessage: (context: TurnContext) => Promise<void>): BotApp {
  const adapter = new CloudAdapter(createChannelAuthentication(config));
  const server = restify.createServer({ name: 'echo-bot', handleUncaughtExceptions: false });
  server.pre(jsonBodyGate(256 * 1024));
  server.post('/api/messages', async (req: RestifyRequest, res: RestifyResponse) => {
    await adapter.process(req as Parameters<CloudAdapter['process']>[0], res, async (context: TurnContext) => {
      if (context.activity.type === 'message') await onMessage(context);
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

// The compiled floors (bench/compiled.ts): `node dist/bench/echoBot.js`, BENCH_ECHO=stateful for the stateful one.
if (require.main === module) {
  const config = loadConfig(process.env);
  const app = (process.env['BENCH_ECHO'] === 'stateful' ? createStatefulEchoBotApp : createEchoBotApp)(config);
  void app.listen(config.port);
}
