// When to nudge: approvers once after a quiet spell, the requester once before PIM's 24 hours run out.

import type { ApprovalRecord } from './record';

export interface ReminderPolicy {
  /** Remind the approvers once when nobody decided for this long. */
  readonly remindApproversAfterMs: number;
  /** Tell the requester this long before the request expires. */
  readonly warnRequesterBeforeMs: number;
  /** Escalate once when nobody decided this long after the reminder (default: remindApproversAfterMs again). */
  readonly escalateAfterReminderMs?: number;
}

export const DEFAULT_REMINDERS: ReminderPolicy = { remindApproversAfterMs: 4 * 3600_000, warnRequesterBeforeMs: 3600_000 };

export function dueReminders(
  record: ApprovalRecord,
  now: Date,
  policy: ReminderPolicy,
): { remindApprovers: boolean; warnRequester: boolean } {
  if (record.decision) return { remindApprovers: false, warnRequester: false };
  const t = now.getTime();
  const expires = Date.parse(record.expiresAt);
  return {
    remindApprovers:
      record.approversRemindedAt === undefined && t >= Date.parse(record.createdAt) + policy.remindApproversAfterMs && t < expires,
    warnRequester: record.requesterWarnedAt === undefined && t >= expires - policy.warnRequesterBeforeMs && t < expires,
  };
}

/**
 * Escalate: the approvers were reminded and still nobody decided within the escalation spell, and PIM
 * has not dropped the request yet. Once per record (escalatedAt).
 */
export function dueEscalation(record: ApprovalRecord, now: Date, policy: ReminderPolicy): boolean {
  if (record.decision || record.approversRemindedAt === undefined || record.escalatedAt !== undefined) return false;
  const t = now.getTime();
  const after = policy.escalateAfterReminderMs ?? policy.remindApproversAfterMs;
  return t >= Date.parse(record.approversRemindedAt) + after && t < Date.parse(record.expiresAt);
}
