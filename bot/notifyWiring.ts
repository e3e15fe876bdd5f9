// The requester side's ports for the dialogs: most-recently-used (UserState), proactive follow-ups and
// expiry reminders (both through the one outbound channel, bot/channel) and the step-up sign-in with
// its callback. Kept out of server.ts so the composition root only plugs it in.
import type { CloudAdapter, Storage, UserState } from 'botbuilder';
import type { DialogDeps, Logger, ProactiveSender } from '../dialogs/deps';
import { createRecentStore } from '../dialogs/recent';
import type { StepUpTokens } from '../services/identity/stepUpTokens';
import type { PimService } from '../services/pim/service';
import type { ApproverStepUpReturn } from './approvals/approverStepUpReturn';
import { StepUpSignIn, stepUpCallback } from './authStepUp';
import type { BotConfig } from './config';
import type { RestifyRequest, RestifyResponse } from './http/restify';
import { ExpiryReminders } from './notifyReminders';

export function createRequesterWiring(o: {
  adapter: CloudAdapter;
  botAppId: string;
  /** The outbound channel's proactive sender. */
  proactive: ProactiveSender;
  storage: Storage;
  pim: PimService;
  userState: UserState;
  config: BotConfig;
  now: () => Date;
  logger: Logger;
  /** Absent when the bot runs on a stand-in PimService (tests): no step-up is offered then. */
  stepUpTokens?: StepUpTokens;
}) {
  let publicBaseUrl = '';
  const proactive = o.proactive;
  const reminders = new ExpiryReminders({
    storage: o.storage,
    pim: o.pim,
    sender: proactive,
    tenantId: o.config.tenantId,
    logger: o.logger,
  });
  const stepUp = o.stepUpTokens
    ? new StepUpSignIn({ storage: o.storage, tokens: o.stepUpTokens, publicBaseUrl: () => publicBaseUrl, now: o.now, logger: o.logger })
    : undefined;
  const deps: Pick<DialogDeps, 'recent' | 'proactive' | 'reminders' | 'stepUp'> = {
    recent: createRecentStore(o.userState),
    proactive,
    reminders,
    ...(stepUp ? { stepUp } : {}),
  };
  return {
    deps,
    callback: (all: DialogDeps, approvers?: ApproverStepUpReturn) =>
      stepUp
        ? stepUpCallback({
            stepUp,
            adapter: o.adapter,
            botAppId: o.botAppId,
            deps: all,
            userState: o.userState,
            ...(approvers ? { approvers } : {}),
          })
        : async (_req: RestifyRequest, res: RestifyResponse) => void res.send(404, { error: 'no sign-in is pending here' }),
    /** The bot's base URL as the browser reaches it (known once listening). */
    publicBaseUrl: () => publicBaseUrl,
    /** Once listening: where the browser comes back to, and the reminders rebuilt from PIM. */
    started(baseUrl: string) {
      // Production: the public address in front of the instances; locally the bot's own.
      publicBaseUrl = o.config.production?.publicBaseUrl ?? baseUrl;
      void reminders.start().catch(() => undefined);
    },
    stop() {
      reminders.stop();
    },
  };
}
