// What the dialogs need from the outside, handed in by the composition root (bot/server.ts).
// The optional ports are wired by the bot; unit tests leave out what they don't exercise.
import type { Activity, Attachment, ConversationReference, TurnContext } from 'botbuilder';
import type { ActivationInput, ActivationRequest, ActiveAssignment, Surface, UserContext } from '../services/pim/model';
import type { PimService } from '../services/pim/service';
import type { AdminService } from '../services/admin/adminService';
import type { KeyValueStorage } from '../services/store/keyValueStorage';
import type { DecidedEntry } from '../services/approvals/decidedBy';
import type { Resource } from '../services/identity/tokenProvider';
import type { ApproverWaiting } from '../services/approvals/approverWaiting';
import type { InTurnReply } from '../services/approvals/ports';

export type { ApproverWaiting, WaitingItem } from '../services/approvals/approverWaiting';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** The user's most recently used eligibility keys (UserState), newest first. */
export interface RecentStore {
  get(context: TurnContext): Promise<string[]>;
  touch(context: TurnContext, keys: readonly string[]): Promise<void>;
}

/** Sends a message into a conversation outside its turn (stored conversation reference). */
export interface ProactiveSender {
  send(reference: Partial<ConversationReference>, message: Partial<Activity>): Promise<void>;
}

/** What waits for a step-up sign-in: the activations to submit once it is done. */
export interface PendingStepUp {
  readonly inputs: readonly ActivationInput[];
  /** Readable names per eligibility key, for the result card. */
  readonly labels: Readonly<Record<string, string>>;
  readonly claims: string;
  /** The API the refusal came from, whose token the sign-in gets (PimError details.resource). */
  readonly resource: Resource;
}

/** Starts a step-up sign-in bound to this user and conversation; returns the URL to open. */
export interface StepUpStarter {
  begin(context: TurnContext, user: UserContext, pending: PendingStepUp): Promise<string>;
}

/** Feeds the expiry reminders from what the bot has just learnt about the user's access. */
export interface ReminderFeed {
  track(
    reference: Partial<ConversationReference>,
    user: UserContext,
    active: readonly ActiveAssignment[],
    labels: Readonly<Record<string, string>>,
  ): void;
  /** The user's first message since this process started: recompute from PIM (restart safety). */
  seen?(reference: Partial<ConversationReference>, user: UserContext): void;
}

/**
 * Takes over a request PIM put in PendingApproval: the waiting card (with Cancel) and the approvers'
 * cards. services/approvals' coordinator (RequesterApprovals); the approver queue's cards rendered.
 */
export interface ApprovalRequests {
  /** A request for `eligibilityKey` that needs approval is about to go to PIM: read who gets its cards meanwhile. */
  prepare?(user: UserContext, eligibilityKey: string): void;
  submitted(reply: InTurnReply, user: UserContext, request: ActivationRequest): Promise<void>;
  /**
   * PIM refused a submit because `request`, the user's earlier one for the same role and scope, still
   * waits for approval: make sure it has a record and its cards (taking it over if nobody tracks it), and answer the user.
   */
  adopt?(reply: InTurnReply, user: UserContext, request: ActivationRequest): Promise<void>;
  /** The requests `user` may decide, oldest first, each with its approval card (none when the bot has no copy for them yet). */
  approverQueue?(user: UserContext): Promise<{
    readonly items: ReadonlyArray<{ readonly card: Attachment | undefined }>;
    readonly unreadable: readonly Surface[];
  }>;
  /** The user cancelled `requestId` at PIM from a message, not its approval card: update its record and cards now. */
  cancelledAtPim?(surface: ActivationRequest['surface'], requestId: string): Promise<void>;
  /** What `user` approved or denied between `from` and `to` as the bot recorded it, newest first (their own decisions only). */
  decidedBy?(user: UserContext, from: Date, to: Date): Promise<readonly DecidedEntry[]>;
}

export interface DialogDeps {
  readonly pim: PimService;
  /** The single tenant this bot serves; the acting user's tenant for every PIM call. */
  readonly tenantId: string;
  readonly now: () => Date;
  readonly logger: Logger;
  readonly recent: RecentStore;
  /** Follow-ups outside the turn, through the bot's one outbound channel. */
  readonly proactive: ProactiveSender;
  readonly stepUp?: StepUpStarter;
  readonly reminders: ReminderFeed;
  readonly approvals?: ApprovalRequests;
  /** What waits for the user as an approver; absent = the welcome says nothing about it. */
  readonly approverWaiting?: ApproverWaiting;
  /** Admins' questions; absent = the bot answers none. */
  readonly admin?: AdminService;
  /** The bot's Storage, for admin answers' "Show more" cursors (any instance continues a list); absent = in this process only. */
  readonly adminCursorStorage?: KeyValueStorage;
  /** How far ahead a requested start may lie, in days (bot/config MAX_SCHEDULE_AHEAD_DAYS; default DEFAULT_MAX_SCHEDULE_AHEAD_DAYS). */
  readonly maxScheduleAheadDays?: number;
  /** How long a turn waits for granted access to show up before following up proactively (default 2 s). */
  readonly inTurnWaitMs?: number;
}

/** PIM would take a start years ahead; an approver or a reader of "my roles" would not expect it. */
export const DEFAULT_MAX_SCHEDULE_AHEAD_DAYS = 14;

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** Ports that do nothing: for tests that do not exercise them (the composition root wires the real ones). */
export const NULL_PORTS: Pick<DialogDeps, 'recent' | 'proactive' | 'reminders'> = {
  recent: { get: async () => [], touch: async () => undefined },
  proactive: { send: async () => undefined },
  reminders: { track: () => undefined },
};
