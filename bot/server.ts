// Composition root: config in, a running HTTP endpoint out. Everything the bot is made of is
// created here and nowhere else; tests swap parts through `overrides`.
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConversationState,
  UserState,
  type Storage,
} from 'botbuilder';
import type { DialogDeps, Logger } from '../dialogs/deps';
import { MainDialog } from '../dialogs/mainDialog';
import { createServices } from '../services/index';
import type { PimService } from '../services/pim/service';
import { createStateStorage } from '../services/store/stateStorage';
import type { BotConfig } from './config';
import { checkActivityRequest } from './http/activityRequest';
import { restify, type RestifyRequest, type RestifyResponse } from './http/restify';
import { createConsoleLogger, describeError } from './logging';
import { PimBot } from './pimBot';
import { createTurnErrorHandler } from './turnError';

export interface BotAppOverrides {
  readonly pim?: PimService;
  readonly storage?: Storage;
  readonly now?: () => Date;
  readonly logger?: Logger;
}

export interface BotApp {
  listen(port: number, host?: string): Promise<{ port: number }>;
  close(): Promise<void>;
}

/** Activities are small; a big body is a mistake or an attack. */
const MAX_BODY_BYTES = 256 * 1024;

export function createBotApp(config: BotConfig, overrides: BotAppOverrides = {}): BotApp {
  const logger = overrides.logger ?? createConsoleLogger();
  const pim = overrides.pim ?? createServices(config.services).pim;
  const storage = overrides.storage ?? createStateStorage(config.storage);

  const deps: DialogDeps = { pim, tenantId: config.tenantId, now: overrides.now ?? (() => new Date()), logger };
  const conversationState = new ConversationState(storage);
  const userState = new UserState(storage);
  const bot = new PimBot({ conversationState, userState, dialog: new MainDialog(deps), deps });

  // Local mode has no app id: requests are not authenticated and replies go to the activity's
  // serviceUrl without a token, which is what the Agents Playground expects.
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  adapter.onTurnError = createTurnErrorHandler(logger);

  const server = restify.createServer({ name: 'pim-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false, mapFiles: false }));
  server.post('/api/messages', async (req: RestifyRequest, res: RestifyResponse) => {
    const check = checkActivityRequest(req.body, { loopbackServiceUrlOnly: config.mode === 'local' });
    if (!check.ok) {
      res.status(check.status);
      res.send({ error: check.reason });
      return;
    }
    try {
      await adapter.process(req as Parameters<CloudAdapter['process']>[0], res, (context) => bot.run(context));
    } catch (error) {
      logger.error('could not process an activity', describeError(error));
      if (!res.headersSent) {
        res.status(400);
        res.send({ error: 'the activity could not be processed' });
      }
    }
  });

  let listening = false;
  return {
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.server.once('error', reject);
        server.listen(port, host, () => {
          listening = true;
          server.server.off('error', reject);
          resolve({ port: server.address().port });
        });
      });
    },
    close() {
      if (!listening) return Promise.resolve();
      listening = false;
      return new Promise((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets from the channel would otherwise hold close() open.
        server.server.closeIdleConnections();
      });
    },
  };
}
