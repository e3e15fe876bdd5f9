// How each approver proved themselves, for the audit answers. PIM's audit log says who decided, not
// how they signed in; the bot's own decision records (services/approvals/decidedBy.ts) do, keyed by
// the PIM request id, which the audit entry carries as its correlation id. A decision made outside
// the bot has no record and so no phrase: the answer never claims a verification nobody recorded.
import type { ApproverVerification } from '../../services/approvals/approverStepUpCheck';
import type { ActivityEntry } from '../../services/admin/model';
import type { ApprovalRequests } from '../deps';

/** At most this many approvers' records are read for one answer (each is one storage read). */
const MAX_APPROVERS = 10;

export type Verifications = ReadonlyMap<string, ApproverVerification>;

export function verificationKey(approverId: string, requestId: string): string {
  return `${approverId.toLowerCase()}|${requestId.toLowerCase()}`;
}

/**
 * The recorded verifications of the decisions among `entries` (approvals and denials with an actor
 * and a request id), read from each deciding approver's records around `from`..`to`. Records that
 * cannot be read leave the answer without the phrase rather than failing it.
 */
export async function verificationsOf(
  approvals: ApprovalRequests | undefined,
  tenantId: string,
  entries: readonly ActivityEntry[],
  from: Date,
  to: Date,
): Promise<Verifications> {
  const found = new Map<string, ApproverVerification>();
  if (!approvals?.decidedBy) return found;
  const deciders = [
    ...new Set(
      entries.filter((e) => (e.kind === 'approval' || e.kind === 'denial') && e.actor && e.requestId).map((e) => e.actor!.id.toLowerCase()),
    ),
  ];
  await Promise.all(
    deciders.slice(0, MAX_APPROVERS).map(async (approverId) => {
      try {
        for (const d of await approvals.decidedBy!({ userId: approverId, tenantId }, from, to)) {
          if (d.verifiedBy) found.set(verificationKey(approverId, d.requestId), d.verifiedBy);
        }
      } catch {
        // Unreadable records: the answer goes out without the phrase.
      }
    }),
  );
  return found;
}

/** The recorded verification of `e`'s decision, if the bot recorded one. */
export function verificationOf(verifications: Verifications, e: ActivityEntry): ApproverVerification | undefined {
  return e.actor && e.requestId ? verifications.get(verificationKey(e.actor.id, e.requestId)) : undefined;
}
