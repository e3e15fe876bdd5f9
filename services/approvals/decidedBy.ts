// What each approver decided through the bot (or the bot saw PIM record as theirs): a short list per
// approver, so one who is not an administrator can ask "what did I approve this week". The directory
// audit log, which answers it for administrators, is not theirs to read; their own decisions are.
// Kept small: the newest MAX_DECIDED entries, none older than KEEP_DAYS.
import type { Surface } from '../pim/model';
import { updateItem, type KeyValueStorage } from '../store/keyValueStorage';
import type { ApproverVerification } from './approverStepUpCheck';
import type { ApprovalRecord } from './record';

export const MAX_DECIDED = 200;
export const KEEP_DAYS = 35;

/** One decision as the approver's answer shows it; self-contained (the request's record may be gone). */
export interface DecidedEntry {
  readonly surface: Surface;
  readonly requestId: string;
  readonly outcome: 'approved' | 'denied';
  readonly at: string;
  readonly requesterId: string;
  readonly requesterName: string | null;
  readonly roleName: string;
  readonly scopeName: string;
  /** The approver's reason, as typed (shown as plain text). */
  readonly reason: string;
  /** How the approver proved themselves (issue 20); absent for entries written before. */
  readonly verifiedBy?: ApproverVerification;
}

interface DecidedList {
  readonly entries: DecidedEntry[];
}

export function decidedByKey(userId: string): string {
  return `approvals/decidedBy/${userId.toLowerCase()}`;
}

/** Adds the record's decision to its approver's list (once per request). No decider, nothing to add. */
export async function noteDecision(storage: KeyValueStorage, record: ApprovalRecord, now: Date): Promise<void> {
  const d = record.decision;
  if (!d?.by || (d.outcome !== 'approved' && d.outcome !== 'denied')) return;
  const entry: DecidedEntry = {
    surface: record.surface,
    requestId: record.requestId,
    outcome: d.outcome,
    at: d.at,
    requesterId: record.requester.id,
    requesterName: record.requester.displayName ?? null,
    roleName: record.request.roleName,
    scopeName: record.request.scopeName,
    reason: d.justification,
    ...(d.verifiedBy ? { verifiedBy: d.verifiedBy } : {}),
  };
  const oldest = now.getTime() - KEEP_DAYS * 86_400_000;
  await updateItem<DecidedList>(storage, decidedByKey(d.by.id), (cur) => {
    const others = (cur?.entries ?? []).filter(
      (e) => !(e.surface === entry.surface && e.requestId.toLowerCase() === entry.requestId.toLowerCase()) && Date.parse(e.at) >= oldest,
    );
    return { entries: [...others, entry].sort((a, b) => Date.parse(b.at) - Date.parse(a.at)).slice(0, MAX_DECIDED) };
  });
}

/** The approver's decisions between `from` and `to`, newest first. */
export async function decisionsOf(storage: KeyValueStorage, userId: string, from: Date, to: Date): Promise<DecidedEntry[]> {
  const key = decidedByKey(userId);
  const list = (await storage.read([key]))[key] as DecidedList | undefined;
  return (list?.entries ?? []).filter((e) => Date.parse(e.at) >= from.getTime() && Date.parse(e.at) <= to.getTime());
}
