// Puts the approval flow together for the composition root: the record store and the conversation
// directory in the bot's Storage, the proactive sender on the adapter, and the periodic sweep.
import type { ProductMetrics } from '../telemetry';
import { ActivityTypes, type Activity, type CloudAdapter, type Middleware, type Storage } from 'botbuilder';
import type { BotFrameworkAuthentication } from 'botframework-connector';
import type { ApproverWaiting, Logger } from '../../dialogs/deps';
import type { ApprovalTiming } from '../config';
import type { ApprovalDecisions } from '../../services/approvals/decisions';
import type { AppInstallerPort, DirectoryPort } from '../../services/approvals/port';
import { ApprovalRecordStore, CREATE_LEASE_MS } from '../../services/approvals/recordStore';
import type { ReminderPolicy } from '../../services/approvals/reminders';
import type { ChannelRoute } from '../../services/approvals/channelRoutes';
import type { PimService } from '../../services/pim/service';
import { ConversationDirectory } from '../conversationDirectory';
import { describeError } from '../logging';
import { ApprovalFlow } from './approvalFlow';
import { approverWaiting } from './approverWaiting';
import { prepareApprovalCards } from './approvalCards';
import { ConnectorCardSender, type CardSender } from './cardSender';
import { RateLimiter } from './rateLimiter';

export interface ApprovalSettings {
  /** How often open approvals are reconciled with PIM (default 60 s). */
  readonly sweepMs?: number;
  readonly reminders?: ReminderPolicy;
  /** How long a send claim holds off other senders (default 2 min; see SendClaim). */
  readonly sendLeaseMs?: number;
}

export interface ApprovalWiring {
  readonly flow: ApprovalFlow;
  readonly conversations: ConversationDirectory;
  /** Hands over the adapter, and the authentication it was made with, once they exist (the dialogs are built before them). */
  attach(adapter: CloudAdapter, botAppId: string, auth: BotFrameworkAuthentication): void;
  /** What waits for one approver, from the records (the welcome card's count). */
  readonly waiting: ApproverWaiting;
  /** Starts the periodic sweep; the first pass runs at once (resuming what a previous instance left). */
  start(): void;
  stop(): Promise<void>;
}

export const DEFAULT_SWEEP_MS = 60_000;

/** bot/config's minutes and seconds → the flow's settings. */
export function approvalSettings(timing: ApprovalTiming): ApprovalSettings {
  return {
    sweepMs: timing.sweepSeconds * 1000,
    reminders: {
      remindApproversAfterMs: timing.remindApproversAfterMinutes * 60_000,
      warnRequesterBeforeMs: timing.warnRequesterBeforeMinutes * 60_000,
      ...(timing.escalateAfterReminderMinutes !== undefined ? { escalateAfterReminderMs: timing.escalateAfterReminderMinutes * 60_000 } : {}),
    },
    ...(timing.sendLeaseSeconds !== undefined ? { sendLeaseMs: timing.sendLeaseSeconds * 1000 } : {}),
  };
}

export function createApprovalWiring(options: {
  storage: Storage;
  pim: PimService;
  approvals: { decisions: ApprovalDecisions; people: DirectoryPort };
  tenantId: string;
  now: () => Date;
  logger: Logger;
  installer?: AppInstallerPort;
  settings?: ApprovalSettings;
  metrics?: Pick<ProductMetrics, 'firstApproverCard'>;
  /** APPROVAL_CHANNELS: where approval cards also go (bot/config). */
  channels?: readonly ChannelRoute[];
}): ApprovalWiring {
  let sender: CardSender | undefined;
  const lateSender: CardSender = {
    post: (ref, content) => required().post(ref, content),
    update: (ref, id, content) => required().update(ref, id, content),
    prepare: (refs) => sender?.prepare?.(refs),
  };
  const required = () => {
    if (!sender) throw new Error('approval cards cannot be sent before the adapter is attached');
    return sender;
  };
  const conversations = new ConversationDirectory(options.storage, options.now);
  // An instance silent for a send lease is taken to be dead as a record's creator too (kill tests shorten it).
  const records = new ApprovalRecordStore(options.storage, { createLeaseMs: Math.min(CREATE_LEASE_MS, options.settings?.sendLeaseMs ?? CREATE_LEASE_MS) });
  const flow = new ApprovalFlow({
    pim: options.pim,
    decisions: options.approvals.decisions,
    people: options.approvals.people,
    records,
    conversations,
    sender: lateSender,
    tenantId: options.tenantId,
    now: options.now,
    logger: options.logger,
    ...(options.settings?.reminders ? { reminders: options.settings.reminders } : {}),
    ...(options.settings?.sendLeaseMs !== undefined ? { sendLeaseMs: options.settings.sendLeaseMs } : {}),
    ...(options.installer ? { installer: options.installer } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.channels ? { channels: options.channels } : {}),
  });
  let timer: NodeJS.Timeout | undefined;
  const pass = () => void flow.sweep().catch((e: unknown) => options.logger.warn('approval sweep failed', describeError(e)));
  return {
    flow,
    conversations,
    waiting: approverWaiting(records, options.now),
    attach(adapter, botAppId, auth) {
      const limiter = new RateLimiter();
      adapter.use(countRepliesIn(limiter));
      sender = new ConnectorCardSender(auth, botAppId, limiter);
    },
    start() {
      if (timer) return;
      prepareApprovalCards();
      pass();
      timer = setInterval(pass, options.settings?.sweepMs ?? DEFAULT_SWEEP_MS);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await flow.sweep().catch(() => undefined);
      await flow.idle();
    },
  };
}

/**
 * Teams counts a turn's replies against the same per-app and per-conversation limits as proactive
 * posts; without counting them a fan-out right after a submit overruns the window and waits out a 429.
 * Proactive sends (ContinueConversation) are counted by the sender itself.
 */
function countRepliesIn(limiter: RateLimiter): Middleware {
  return {
    async onTurn(context, next) {
      if (context.activity.name !== 'ContinueConversation') {
        context.onSendActivities(async (ctx, activities, send) => {
          const sent = activities.filter(reachesChannel).map(() => limiter.note(ctx.activity.conversation?.id ?? ''));
          try {
            return await send();
          } finally {
            for (const done of sent) done();
          }
        });
      }
      await next();
    },
  };
}

/** What the adapter POSTs to the channel (a typing indicator too); the rest is handled in-process. */
function reachesChannel(activity: Partial<Activity>): boolean {
  return activity.type !== ActivityTypes.InvokeResponse && activity.type !== 'delay' && activity.type !== ActivityTypes.Trace;
}
