// One record per PIM request that needs approval (DESIGN.md section 5): who asked for what, who may
// decide, every card copy the bot posted (conversation + activity id), and how it ended. Plain JSON,
// written with eTag checks so several bot instances can share it and a killed one loses nothing.

import type { Surface } from '../pim/model';
import type { ApproverVerification } from './approverStepUpCheck';
import type { ApprovalContext } from './context';
import type { ApprovalOutcome, PersonRef } from './model';

export type CopyState =
  /** Decided to post, not posted yet (written before sending, so a restart resumes it). */
  | 'intent'
  /** No conversation with the person yet (waits for one to appear). */
  | 'unreachable'
  | 'sent';

/**
 * The copy-state rules, written once: which states a copy may move to. A copy is first an intent; it
 * is sent, or found unreachable (no conversation with the person yet, or the channel refused the bot);
 * an unreachable copy is sent once a conversation appears. Sent is final: later changes only update
 * what the copy shows. Only a copy not sent yet may be claimed for posting.
 */
export const COPY_TRANSITIONS: { readonly [S in CopyState]: readonly CopyState[] } = {
  intent: ['sent', 'unreachable'],
  unreachable: ['sent'],
  sent: [],
};

export function canMoveCopy(from: CopyState, to: CopyState): boolean {
  return from === to || COPY_TRANSITIONS[from].includes(to);
}

export class IllegalCopyTransition extends Error {
  constructor(
    readonly from: CopyState,
    readonly to: CopyState,
  ) {
    super(`an approval card copy cannot go from '${from}' to '${to}'`);
    this.name = 'IllegalCopyTransition';
  }
}

/** A copy not sent yet may be claimed (someone is about to post it). */
export function isClaimable(copy: Pick<CardCopy, 'state'>): boolean {
  return copy.state !== 'sent';
}

/**
 * The record with one copy changed: merged, or replaced outright when `replace` (which drops fields,
 * e.g. a claim). Every state change of a copy goes through here, so the table above holds.
 */
export function withCopy(record: ApprovalRecord, copy: CardCopy, change: Partial<CardCopy>, replace = false): ApprovalRecord {
  return {
    ...record,
    copies: record.copies.map((c) => (c.userId === copy.userId && c.role === copy.role ? movedCopy(c, change, replace) : c)),
  };
}

/** `copy` after `change` (see withCopy); throws IllegalCopyTransition for a move the table does not allow. */
export function movedCopy(copy: CardCopy, change: Partial<CardCopy>, replace = false): CardCopy {
  if (change.state !== undefined && !canMoveCopy(copy.state, change.state)) throw new IllegalCopyTransition(copy.state, change.state);
  return replace ? { ...(change as CardCopy) } : { ...copy, ...change };
}

/**
 * "I am sending this now": written with the eTag before a post, removed when the post is recorded
 * (or failed). Of racing senders (the sweep, the submit, another instance) only the one whose claim
 * was stored posts. A claim older than the lease is taken to be from an instance that died mid-send.
 */
export interface SendClaim {
  /** One id per attempt. */
  readonly id: string;
  readonly at: string;
}

/** Longer than any send takes (the sender waits out a few 429s of at most 30 s). */
export const SEND_LEASE_MS = 2 * 60_000;

export function claimIsLive(claim: SendClaim | undefined, now: Date, leaseMs: number = SEND_LEASE_MS): boolean {
  return claim !== undefined && now.getTime() - Date.parse(claim.at) < leaseMs;
}

export interface CardCopy {
  /** Whose 1:1 chat the copy is in; for the channel copy, channelCopyId(channel). */
  readonly userId: string;
  /** 'channel': the copy in a Teams channel (APPROVAL_CHANNELS), decided by any of the request's approvers. */
  readonly role: 'approver' | 'requester' | 'channel';
  state: CopyState;
  conversationId?: string;
  activityId?: string;
  /** Card actions carry this; a click with another nonce is stale or forged. */
  nonce: string;
  /** What the copy shows now: 'pending', or the outcome it was last updated to. */
  shows: ApprovalOutcome;
  /** Present while someone posts this copy (state stays 'intent'/'unreachable' until it is recorded sent). */
  claim?: SendClaim;
}

export interface RequestSummary {
  readonly roleId: string;
  readonly roleName: string;
  readonly scopeId: string;
  readonly scopeName: string;
  readonly startDateTime: string;
  readonly endDateTime: string;
  readonly createdDateTime: string;
  readonly justification: string | null;
  readonly ticket: string | null;
}

export interface RecordedDecision {
  readonly outcome: Exclude<ApprovalOutcome, 'pending'>;
  readonly by: PersonRef | null;
  readonly at: string;
  readonly justification: string;
  /** 'bot' = through a card; 'pim' = found by reconciling (portal, another client, expiry). */
  readonly via: 'bot' | 'pim';
  /** How the approver proved themselves (approverStepUpCheck.ts); absent in records written before, and for via 'pim'. */
  readonly verifiedBy?: ApproverVerification;
}

export interface ApprovalRecord {
  readonly surface: Surface;
  readonly requestId: string;
  /** PIM's id of the request's approval as the request states it (ARM needs it: it is not the request's name). */
  readonly approvalId?: string;
  readonly requester: PersonRef;
  readonly approvers: readonly PersonRef[];
  readonly request: RequestSummary;
  /** The requester's earlier activations of this role (start/end ISO), newest first. */
  readonly recentActivations: ReadonlyArray<{ readonly startDateTime: string; readonly endDateTime: string }>;
  /** The surface could not tell the requester's history (ARM outside their turn): the card leaves it out. */
  readonly historyUnknown?: boolean;
  /** Who the requester is, what the role allows, what they hold already. Absent in records written before it was read. */
  readonly context?: ApprovalContext;
  readonly createdAt: string;
  /** PIM drops an undecided request after 24 hours. */
  readonly expiresAt: string;
  copies: CardCopy[];
  decision?: RecordedDecision;
  /** When the requester was sent the outcome (the send is recorded after it happened). */
  requesterToldAt?: string;
  /** Present while someone sends the requester the outcome; see SendClaim. */
  requesterTellClaim?: SendClaim;
  approversRemindedAt?: string;
  requesterWarnedAt?: string;
  /** When nobody had decided after the reminder: the channel was asked and the requester told who was reminded. */
  escalatedAt?: string;
}

export const APPROVAL_TIMEOUT_MS = 24 * 3600_000;

export function recordKey(surface: Surface, requestId: string): string {
  return `approvals/${surface}/${requestId.toLowerCase()}`;
}

/** Copies that still show something other than the decision. */
export function staleCopies(record: ApprovalRecord): CardCopy[] {
  const outcome = record.decision?.outcome;
  if (!outcome) return [];
  return record.copies.filter((c) => c.state === 'sent' && c.shows !== outcome);
}

/**
 * Approver copies someone claimed and has not recorded: their card may be out (the sender died
 * between the post and the record), and only the sweep's fan-out, once the claim lapses, gets that
 * approver a card on record that shows the outcome.
 */
export function unrecordedCopies(record: ApprovalRecord): CardCopy[] {
  // Not 'unreachable' ones: with no conversation left, no card there can be posted or updated.
  return record.copies.filter((c) => c.role === 'approver' && c.state === 'intent' && c.claim !== undefined);
}

/** Nothing left to do: decided, every posted copy shows it (none may be posted unrecorded), and the requester was told. */
export function isSettled(record: ApprovalRecord): boolean {
  return (
    record.decision !== undefined &&
    staleCopies(record).length === 0 &&
    unrecordedCopies(record).length === 0 &&
    record.requesterToldAt !== undefined
  );
}

/** The copy's key in a record for the copy posted to Teams channel `channelId` (its exact id is kept in conversationId). */
export function channelCopyId(channelId: string): string {
  return `channel:${channelId.toLowerCase()}`;
}

/** The record's channel copy, if it has one. */
export function channelCopy(record: ApprovalRecord): CardCopy | undefined {
  return record.copies.find((c) => c.role === 'channel');
}

export function copyFor(record: ApprovalRecord, userId: string, role: CardCopy['role']): CardCopy | undefined {
  return record.copies.find((c) => c.userId === userId.toLowerCase() && c.role === role);
}
