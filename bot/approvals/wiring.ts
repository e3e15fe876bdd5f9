// Puts approvals together for the composition root: the record store and the conversation directory in
// the bot's Storage, the use case (services/approvals) with its Teams messenger on the one outbound
// channel, the card-action verb table, and the periodic sweep.
import type { Storage } from 'botbuilder';
import { approverCard, prepareApprovalCards } from '../../cards/approvals/approvalCards';
import { approverWaiting, type ApproverWaiting } from '../../services/approvals/approverWaiting';
import type { ChannelRoute } from '../../services/approvals/channelRoutes';
import { ApprovalCoordinator } from '../../services/approvals/coordinator';
import type { ApprovalDecisions } from '../../services/approvals/decisions';
import type { AppInstallerPort, DirectoryPort } from '../../services/approvals/port';
import type { ApprovalMetrics, Logger } from '../../services/approvals/ports';
import { ApprovalRecordStore, CREATE_LEASE_MS } from '../../services/approvals/recordStore';
import type { ReminderPolicy } from '../../services/approvals/reminders';
import type { UserContext } from '../../services/pim/model';
import type { PimService } from '../../services/pim/service';
import type { ApprovalTiming } from '../config';
import { ConversationDirectory } from '../conversationDirectory';
import { describeError } from '../logging';
import { TeamsApprovalMessenger } from '../channel/approvalMessenger';
import type { CardSender } from '../channel/cardSender';
import { ApprovalCardActions, type ActingUser } from './cardActions';
import { ApproverStepUpClicks } from '../../services/approvals/approverStepUpPending';
import type { ApproverStepUpPolicy } from '../../services/approvals/approverStepUpPolicy';
import type { ApproverStepUpDeps } from '../../services/approvals/approverStepUpGate';
import type { StepUpTokens } from '../../services/identity/stepUpTokens';
import { AUTH_CALLBACK_PATH } from '../authUrls';
import { approverStepUpReturn, type ApproverStepUpReturn } from './approverStepUpReturn';

export interface ApprovalSettings {
  /** How often open approvals are reconciled with PIM (default 60 s). */
  readonly sweepMs?: number;
  readonly reminders?: ReminderPolicy;
  /** How long a send claim holds off other senders (default 2 min; see SendClaim). */
  readonly sendLeaseMs?: number;
}

export const DEFAULT_SWEEP_MS = 60_000;

/** Locally (and in tests) nobody needs installing: the personas' chats exist once they say hello. */
export const NO_INSTALLER: AppInstallerPort = { installForUser: async () => 'alreadyInstalled' };
export const NO_METRICS: ApprovalMetrics = { firstApproverCard: () => undefined };

/** bot/config's minutes and seconds → the use case's settings. */
export function approvalSettings(timing: ApprovalTiming): ApprovalSettings {
  return {
    sweepMs: timing.sweepSeconds * 1000,
    reminders: {
      remindApproversAfterMs: timing.remindApproversAfterMinutes * 60_000,
      warnRequesterBeforeMs: timing.warnRequesterBeforeMinutes * 60_000,
      ...(timing.escalateAfterReminderMinutes !== undefined
        ? { escalateAfterReminderMs: timing.escalateAfterReminderMinutes * 60_000 }
        : {}),
    },
    ...(timing.sendLeaseSeconds !== undefined ? { sendLeaseMs: timing.sendLeaseSeconds * 1000 } : {}),
  };
}

export interface TeamsApprovalsDeps {
  readonly pim: PimService;
  readonly decisions: ApprovalDecisions;
  readonly people: DirectoryPort;
  readonly records: ApprovalRecordStore;
  readonly conversations: ConversationDirectory;
  /** The outbound channel's sender (bot/channel). */
  readonly sender: CardSender;
  readonly tenantId: string;
  /** Who acts on a card: the turn's verified identity (actingUser in the dialogs). */
  readonly actingUser: ActingUser;
  readonly now: () => Date;
  readonly logger: Logger;
  readonly installer?: AppInstallerPort;
  readonly reminders?: ReminderPolicy;
  readonly sendLeaseMs?: number;
  readonly metrics?: ApprovalMetrics;
  readonly channels?: readonly ChannelRoute[];
  readonly stepUp?: ApproverStepUpDeps;
}

/** The use case on Teams: the coordinator with its Teams messenger, and the verb table for its cards. */
export class TeamsApprovals {
  readonly coordinator: ApprovalCoordinator;
  readonly cardActions: ApprovalCardActions;
  /** What the dialogs call (DialogDeps.approvals): the coordinator, with the approver queue's cards rendered. */
  readonly requests;

  constructor(deps: TeamsApprovalsDeps) {
    const coordinator = new ApprovalCoordinator({
      pim: deps.pim,
      decisions: deps.decisions,
      people: deps.people,
      records: deps.records,
      messenger: new TeamsApprovalMessenger(deps.sender, deps.conversations),
      installer: deps.installer ?? NO_INSTALLER,
      metrics: deps.metrics ?? NO_METRICS,
      tenantId: deps.tenantId,
      now: deps.now,
      logger: deps.logger,
      ...(deps.reminders ? { reminders: deps.reminders } : {}),
      ...(deps.sendLeaseMs !== undefined ? { sendLeaseMs: deps.sendLeaseMs } : {}),
      ...(deps.channels ? { channels: deps.channels } : {}),
      ...(deps.stepUp ? { stepUp: deps.stepUp } : {}),
    });
    this.coordinator = coordinator;
    this.cardActions = new ApprovalCardActions(coordinator, deps.actingUser);
    this.requests = {
      prepare: coordinator.prepare.bind(coordinator),
      submitted: coordinator.submitted.bind(coordinator),
      adopt: coordinator.adopt.bind(coordinator),
      cancelledAtPim: coordinator.cancelledAtPim.bind(coordinator),
      decidedBy: coordinator.decidedBy.bind(coordinator),
      approverQueue: async (user: UserContext) => {
        const { items, unreadable } = await coordinator.approverQueue(user);
        return { items: items.map((i) => ({ card: i.card && approverCard(i.card.record, i.card.copy) })), unreadable };
      },
    };
  }

  onCardAction(...args: Parameters<ApprovalCardActions['onCardAction']>) {
    return this.cardActions.onCardAction(...args);
  }

  sweep(): Promise<void> {
    return this.coordinator.sweep();
  }

  idle(): Promise<void> {
    return this.coordinator.idle();
  }
}

export interface ApprovalWiring {
  readonly approvals: TeamsApprovals;
  readonly conversations: ConversationDirectory;
  /** What waits for one approver, from the records (the welcome card's count). */
  readonly waiting: ApproverWaiting;
  /** The approver step-up's return to /auth/callback; absent without step-up tokens. */
  readonly stepUpReturn?: ApproverStepUpReturn;
  /** Starts the periodic sweep; the first pass runs at once (resuming what a previous instance left). */
  start(): void;
  stop(): Promise<void>;
}

export function createApprovalWiring(options: {
  storage: Storage;
  pim: PimService;
  approvals: { decisions: ApprovalDecisions; people: DirectoryPort };
  /** Who acts on a card (the turn's verified identity). */
  actingUser: ActingUser;
  /** The outbound channel's sender (bot/channel/outbound.ts), built before this. */
  sender: CardSender;
  tenantId: string;
  now: () => Date;
  logger: Logger;
  installer?: AppInstallerPort;
  settings?: ApprovalSettings;
  metrics?: ApprovalMetrics;
  /** APPROVAL_CHANNELS: where approval cards also go (bot/config). */
  channels?: readonly ChannelRoute[];
  /** The approver step-up (issue 20): APPROVER_STEP_UP, the step-up tokens and the bot's base URL as browsers reach it. */
  stepUp?: { policy: ApproverStepUpPolicy; tokens: StepUpTokens; publicBaseUrl: () => string };
}): ApprovalWiring {
  const conversations = new ConversationDirectory(options.storage, options.now);
  // An instance silent for a send lease is taken to be dead as a record's creator too (kill tests shorten it).
  const records = new ApprovalRecordStore(options.storage, {
    createLeaseMs: Math.min(CREATE_LEASE_MS, options.settings?.sendLeaseMs ?? CREATE_LEASE_MS),
  });
  const clicks = options.stepUp
    ? new ApproverStepUpClicks(options.storage, options.now, (m, e) => options.logger.warn(m, describeError(e)))
    : undefined;
  const su = options.stepUp;
  const stepUp: ApproverStepUpDeps | undefined =
    su && clicks
      ? {
          policy: su.policy,
          tokens: su.tokens,
          clicks,
          startSignIn: (approver, request) => su.tokens.startSignIn(approver, request),
          redirectUri: () => `${su.publicBaseUrl().replace(/\/+$/, '')}${AUTH_CALLBACK_PATH}`,
        }
      : undefined;
  const approvals = new TeamsApprovals({
    pim: options.pim,
    decisions: options.approvals.decisions,
    people: options.approvals.people,
    records,
    conversations,
    sender: options.sender,
    tenantId: options.tenantId,
    actingUser: options.actingUser,
    now: options.now,
    logger: options.logger,
    ...(options.settings?.reminders ? { reminders: options.settings.reminders } : {}),
    ...(options.settings?.sendLeaseMs !== undefined ? { sendLeaseMs: options.settings.sendLeaseMs } : {}),
    ...(options.installer ? { installer: options.installer } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.channels ? { channels: options.channels } : {}),
    ...(stepUp ? { stepUp } : {}),
  });
  let timer: NodeJS.Timeout | undefined;
  const pass = () => void approvals.sweep().catch((e: unknown) => options.logger.warn('approval sweep failed', describeError(e)));
  return {
    approvals,
    conversations,
    waiting: approverWaiting(records, options.now),
    ...(su && clicks
      ? { stepUpReturn: approverStepUpReturn({ clicks, tokens: su.tokens, coordinator: approvals.coordinator, logger: options.logger }) }
      : {}),
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
      await approvals.sweep().catch(() => undefined);
      await approvals.idle();
    },
  };
}
