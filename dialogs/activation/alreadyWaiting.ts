// A submit PIM refuses with PendingRoleAssignmentRequest has a request waiting for approval behind it:
// usually one the bot already tracks, but after an instance died between PIM's 201 and the approval
// record, one no approver has a card for. Such items become that waiting request, and the approval
// flow takes it over (ApprovalRequests.adopt) instead of the user being told "already waiting" forever.
import { isPendingRequestConflict } from '../../services/pim/errors';
import type { ActivationOutcome, UserContext } from '../../services/pim/model';
import { findPendingActivation } from '../../services/pim/pendingActivation';
import type { DialogDeps } from '../deps';

/** An item's outcome; `adopted` = not created now but the user's earlier request, still waiting for approval. */
export type ItemOutcome = ActivationOutcome & { readonly adopted?: boolean };

/** Replaces each PendingRoleAssignmentRequest failure by the request PIM is waiting on, where it can be found. */
export async function resolveWaiting(deps: DialogDeps, user: UserContext, outcomes: readonly ActivationOutcome[]): Promise<ItemOutcome[]> {
  if (!deps.approvals?.adopt) return [...outcomes];
  return Promise.all(
    outcomes.map(async (o): Promise<ItemOutcome> => {
      if (o.ok || !isPendingRequestConflict(o.error)) return o;
      try {
        const request = await findPendingActivation(deps.pim, user, o.input.eligibilityKey);
        return request ? { ok: true, input: o.input, request, adopted: true } : o;
      } catch (error) {
        // Without the listing the user still hears "already waiting"; only the card's details are missing.
        deps.logger.warn('could not list the pending requests', { kind: (error as { kind?: unknown }).kind });
        return o;
      }
    }),
  );
}
