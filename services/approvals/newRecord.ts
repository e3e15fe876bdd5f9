// The record a request waiting for approval starts with (written by a submit, or by a resubmit or the
// sweep that takes over a request a killed instance left without one).
import { randomUUID } from 'node:crypto';
import type { ApprovalContext } from './context';
import type { PersonRef } from './model';
import { APPROVAL_TIMEOUT_MS, channelCopyId, type ApprovalRecord, type CardCopy, type SendClaim } from './record';
import type { ActivationRequest, UserContext } from '../pim/model';

/**
 * The record of `request` as first written: the requester's copy, then one per approver, each an
 * intent (a restart finds them and posts what was not posted yet). `claimFor` gives a copy the claim
 * its creator will post it under.
 */
export function approvalRecord(o: {
  user: UserContext;
  request: ActivationRequest;
  approvers: readonly PersonRef[];
  /** undefined: the history could not be read. */
  recent: ReadonlyArray<{ startDateTime: Date; endDateTime: Date }> | undefined;
  now: Date;
  /** What the approvers' cards say about the requester and the role (read with the audience). */
  context?: ApprovalContext;
  claimFor?: (userId: string, role: CardCopy['role']) => SendClaim | undefined;
  /** The Teams channel that also gets the card (see channelRoutes), if any. */
  channelId?: string | undefined;
}): ApprovalRecord {
  const { user, request, recent } = o;
  const requester: PersonRef = user.displayName ? { id: user.userId, displayName: user.displayName } : { id: user.userId };
  const copy = (userId: string, role: CardCopy['role']): CardCopy => {
    const claim = o.claimFor?.(userId.toLowerCase(), role);
    return { userId: userId.toLowerCase(), role, state: 'intent', nonce: randomUUID(), shows: 'pending', ...(claim ? { claim } : {}) };
  };
  return {
    surface: request.surface,
    requestId: request.id.toLowerCase(),
    ...(request.approvalId ? { approvalId: request.approvalId } : {}),
    requester,
    approvers: [...o.approvers],
    request: {
      roleId: request.roleId,
      roleName: request.roleName,
      scopeId: request.scope.id,
      scopeName: request.scope.displayName,
      startDateTime: request.startDateTime.toISOString(),
      endDateTime: request.endDateTime.toISOString(),
      createdDateTime: request.createdDateTime.toISOString(),
      justification: request.justification,
      ticket: request.ticket?.number ?? null,
    },
    recentActivations: (recent ?? []).map((r) => ({
      startDateTime: r.startDateTime.toISOString(),
      endDateTime: r.endDateTime.toISOString(),
    })),
    ...(recent === undefined ? { historyUnknown: true } : {}),
    ...(o.context ? { context: o.context } : {}),
    createdAt: o.now.toISOString(),
    expiresAt: new Date(request.createdDateTime.getTime() + APPROVAL_TIMEOUT_MS).toISOString(),
    copies: [
      copy(user.userId, 'requester'),
      ...o.approvers.map((a) => copy(a.id, 'approver')),
      // Only with someone in it who may decide: a channel copy nobody can act on would only show the request.
      ...(o.channelId && o.approvers.length > 0 ? [{ ...copy(channelCopyId(o.channelId), 'channel'), conversationId: o.channelId }] : []),
    ],
  };
}
