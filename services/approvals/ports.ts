// What the approval use case needs from the outside, and nothing more: a messenger that reaches people
// by user id (Teams in the bot, an in-memory one in unit tests), a logger, and the product metrics.
// The directory and the app installer are DirectoryPort and AppInstallerPort (port.ts).
import type { Surface } from '../pim/model';
import type { ApprovalView } from './views';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Where a message goes, as the messenger resolved it: the use case records the conversation id on the
 * copy (later updates go there); the handle is the messenger's own (a stored conversation reference in
 * Teams) and opaque here.
 */
export interface Address {
  readonly conversationId: string | undefined;
  readonly handle: unknown;
  /** The one reader's IANA time zone, when known (a person's chat; never a channel's). */
  readonly timeZone?: string;
}

export interface ApprovalMessenger {
  /** `userId`'s 1:1 chat with the bot; undefined = none yet (the app must be installed for them). Throws when it could not be read. */
  reach(userId: string): Promise<Address | undefined>;
  /** Teams channel `channelId`, reached through the endpoint of one of `near` when the bot has not heard from the channel itself. */
  reachChannel(channelId: string, near: readonly string[]): Promise<Address | undefined>;
  /** Posts a new message; resolves the activity id. Throws when the channel refused it (`statusCode` when it said why). */
  post(to: Address, view: ApprovalView): Promise<string>;
  /** Replaces message `activityId` in conversation `conversationId` (default: the address's). */
  update(to: Address, activityId: string, view: ApprovalView, conversationId?: string): Promise<void>;
  /** Posts to `userId`'s 1:1 chat; false when the bot has none with them. */
  notify(userId: string, view: ApprovalView): Promise<boolean>;
  /** Gets ready to send to these addresses (a fan-out calls it while it waits for other things). */
  prepare?(to: readonly Address[]): void;
}

/**
 * The requester's own turn (a submit or a resubmit): her answer is that turn's reply, not a proactive
 * post. `counted` resolves once the outbound channel counted the reply against Teams' limits, so the
 * approvers' cards may go out alongside it without overrunning the window.
 */
export interface InTurnReply {
  readonly conversationId: string;
  send(view: ApprovalView): { readonly sent: Promise<string | undefined>; readonly counted: Promise<void> };
}

export interface ApprovalMetrics {
  /** Time from PIM's request to the first approver card. */
  firstApproverCard(surface: Surface, ms: number): void;
}

/** An error's name, kind and message for a log line (the logger redacts what must not leave). */
export function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const kind = (error as { kind?: unknown }).kind;
    return { error: error.name, message: error.message.slice(0, 500), ...(typeof kind === 'string' ? { kind } : {}) };
  }
  return { error: typeof error };
}

/** The channel refused the message for good (403: the app is not in the team; 404: no such conversation). */
export function refusedForGood(error: unknown): boolean {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return status === 403 || status === 404;
}
