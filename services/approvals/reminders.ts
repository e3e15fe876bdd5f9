// When to nudge: approvers once after a quiet spell, the requester once before PIM's 24 hours run out.

import type { ApprovalRecord } from './record';

export interface ReminderPolicy {
  /** Remind the approvers once when nobody decided for this long. */
  readonly remindApproversAfterMs: number;
  /** Tell the requester this long before the request expires. */
  readonly warnRequesterBeforeMs: number;
}

export const DEFAULT_REMINDERS: ReminderPolicy = { remindApproversAfterMs: 4 * 3600_000, warnRequesterBeforeMs: 3600_000 };

export function dueReminders(record: ApprovalRecord, now: Date, policy: ReminderPolicy): { remindApprovers: boolean; warnRequester: boolean } {
  if (record.decision) return { remindApprovers: false, warnRequester: false };
  const t = now.getTime();
  const expires = Date.parse(record.expiresAt);
  return {
    remindApprovers: record.approversRemindedAt === undefined && t >= Date.parse(record.createdAt) + policy.remindApproversAfterMs && t < expires,
    warnRequester: record.requesterWarnedAt === undefined && t >= expires - policy.warnRequesterBeforeMs && t < expires,
  };
}
