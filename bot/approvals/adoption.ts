// What taking over a pending request needs besides the flow itself: the new record for a request
// (the same one a submit writes) and the answer when the bot already tracks it.
import { randomUUID } from 'node:crypto';
import { MessageFactory, type Activity } from 'botbuilder';
import { infoCard } from '../../cards/views';
import { approverNames, resolveApprovers } from '../../services/approvals/approvers';
import type { ApprovalDecisions } from '../../services/approvals/decisions';
import type { PersonRef } from '../../services/approvals/model';
import type { DirectoryPort } from '../../services/approvals/port';
import { APPROVAL_TIMEOUT_MS, type ApprovalRecord, type CardCopy, type SendClaim } from '../../services/approvals/record';
import { eligibilityKey, type ActivationRequest, type UserContext } from '../../services/pim/model';
import type { PimService } from '../../services/pim/service';

export interface RecordDraftDeps {
  readonly pim: PimService;
  readonly decisions: ApprovalDecisions;
  readonly people: DirectoryPort;
  readonly now: () => Date;
}

/** The record for a request PIM put in PendingApproval: approvers from the policy, every copy still an intent. */
export async function draftRecord(deps: RecordDraftDeps, user: UserContext, request: ActivationRequest): Promise<ApprovalRecord> {
  const port = deps.decisions.has(request.surface) ? deps.decisions.port(request.surface) : undefined;
  const key = request.key ?? eligibilityKey(request.surface, request.scope.id, request.roleId);
  // The policy's approvers, as the (briefly cached) eligibility listing read them.
  const entry = (await deps.pim.listEligibilities(user)).find((e) => e.eligibility.key === key);
  const [approvers, recent] = await Promise.all([
    resolveApprovers(entry?.constraints.approvers ?? [], user.userId, deps.people),
    port ? port.recentActivations(request, 3).catch(() => []) : Promise.resolve([]),
  ]);
  return approvalRecord({ user, request, approvers, recent, now: deps.now() });
}

/**
 * The record of `request` as first written: the requester's copy, then one per approver, each an
 * intent (a restart finds them and posts what was not posted yet). `claimFor` gives an approver copy
 * the claim its creator will post it under.
 */
export function approvalRecord(o: {
  user: UserContext;
  request: ActivationRequest;
  approvers: readonly PersonRef[];
  /** undefined: the history could not be read. */
  recent: ReadonlyArray<{ startDateTime: Date; endDateTime: Date }> | undefined;
  now: Date;
  claimFor?: (userId: string) => SendClaim | undefined;
}): ApprovalRecord {
  const { user, request, recent } = o;
  const requester: PersonRef = user.displayName ? { id: user.userId, displayName: user.displayName } : { id: user.userId };
  const copy = (userId: string, role: CardCopy['role']): CardCopy => {
    const claim = role === 'approver' ? o.claimFor?.(userId.toLowerCase()) : undefined;
    return { userId: userId.toLowerCase(), role, state: 'intent', nonce: randomUUID(), shows: 'pending', ...(claim ? { claim } : {}) };
  };
  return {
    surface: request.surface,
    requestId: request.id.toLowerCase(),
    requester,
    approvers: [...o.approvers],
    request: {
      roleId: request.roleId, roleName: request.roleName, scopeId: request.scope.id, scopeName: request.scope.displayName,
      startDateTime: request.startDateTime.toISOString(), endDateTime: request.endDateTime.toISOString(), createdDateTime: request.createdDateTime.toISOString(),
      justification: request.justification, ticket: request.ticket?.number ?? null,
    },
    recentActivations: (recent ?? []).map((r) => ({ startDateTime: r.startDateTime.toISOString(), endDateTime: r.endDateTime.toISOString() })),
    ...(recent === undefined ? { historyUnknown: true } : {}),
    createdAt: o.now.toISOString(),
    expiresAt: new Date(request.createdDateTime.getTime() + APPROVAL_TIMEOUT_MS).toISOString(),
    copies: [copy(user.userId, 'requester'), ...o.approvers.map((a) => copy(a.id, 'approver'))],
  };
}

/** A resubmit of a request the requester already has the waiting card for: say so, without a second card to keep up to date. */
export function alreadyWaitingMessage(roleName: string, record: ApprovalRecord | undefined): Partial<Activity> {
  const who = record && record.approvers.length > 0 ? ` from ${approverNames(record.approvers)}` : '';
  return MessageFactory.attachment(
    infoCard({
      title: `${roleName} is already waiting for approval`,
      text: `Your earlier request is still waiting for approval${who}. I'll tell you the moment it's decided.`,
      hint: 'The card I sent with it lets you cancel it; "my access" shows it too.',
      tone: 'warning',
    }),
  );
}
