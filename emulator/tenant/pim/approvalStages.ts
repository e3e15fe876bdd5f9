// PIM approvals, surface-neutral: one approval per request awaiting approval (approval.id == request id),
// one stage per approval stage of the policy's Approval_EndUser_Assignment rule, one decision per stage.
// Pure: it decides, the route modules record and render (Graph beta steps, Graph v1.0 stages, ARM stages).
import { GraphError } from '../graph/errors';
import { stableGuid } from '../state/ids';
import type { TenantStore } from '../state/store';
import type { GraphRequestRecordBase, PolicyRecord, TenantData } from '../state/types';
import { isPimAdmin, rule } from './directory';
import { iso } from './requestSchedule';
import { parseIsoDuration } from './duration';

/** PIM lets an approval request wait 24 hours (approvalStageTimeOutInDays defaults to 1 and the portal offers no other value). */
export const APPROVAL_TIMEOUT_MS = 24 * 3600_000;

export type ApprovalSurface = 'entraRole' | 'group' | 'azureResource';
export type ReviewResult = 'NotReviewed' | 'Approve' | 'Deny';
export type StageStatus = 'InProgress' | 'Completed' | 'Expired' | 'NotStarted';

export interface ApprovalStageRecord {
  id: string;
  displayName: string | null;
  /** Users who may decide this stage (single users + group members, expanded when the approval was made), without the requester. */
  approverIds: string[];
  reviewResult: ReviewResult;
  reviewedBy: string | null;
  reviewedDateTime: string | null;
  justification: string;
}

export interface ApprovalRecord {
  /** == the request id. */
  id: string;
  surface: ApprovalSurface;
  requesterId: string;
  createdDateTime: string;
  stages: ApprovalStageRecord[];
}

/** What an approval needs to know about the request it belongs to, whatever the surface. */
export interface ApprovalSubject {
  readonly requestId: string;
  readonly surface: ApprovalSurface;
  readonly requesterId: string;
  readonly createdDateTime: string;
  /** The request's stored status ('PendingApproval' while waiting). */
  readonly status: string;
  /** Approver stages from the policy: each a list of approver user ids (already expanded). */
  readonly stages: readonly string[][];
}

export interface StageView extends ApprovalStageRecord {
  readonly status: StageStatus;
  readonly assignedToMe: boolean;
}

export function isExpired(createdDateTime: string, now: Date): boolean {
  return now.getTime() >= Date.parse(createdDateTime) + APPROVAL_TIMEOUT_MS;
}

/** Graph rule (Entra roles, groups): stages of primaryApprovers, singleUser {userId} / groupMembers {groupId}. */
export function approverStagesFromPolicy(data: Readonly<TenantData>, policy: PolicyRecord | undefined): string[][] {
  const setting = rule(policy, 'Approval_EndUser_Assignment')?.setting as
    { approvalStages?: { primaryApprovers?: Record<string, unknown>[] }[] } | undefined;
  return (setting?.approvalStages ?? []).map((stage) =>
    expandApprovers(
      data,
      (stage.primaryApprovers ?? []).map((a) => ({
        userId: typeof a.userId === 'string' ? a.userId : undefined,
        groupId: typeof a.groupId === 'string' ? a.groupId : undefined,
      })),
    ),
  );
}

export function expandApprovers(data: Readonly<TenantData>, approvers: readonly { userId?: string; groupId?: string }[]): string[] {
  const out = new Set<string>();
  for (const a of approvers) {
    if (a.userId) out.add(a.userId.toLowerCase());
    if (a.groupId)
      for (const m of data.groups.find((g) => g.id.toLowerCase() === a.groupId!.toLowerCase())?.members ?? []) out.add(m.toLowerCase());
  }
  return [...out];
}

/** A new approval for the subject; stage ids are stable per request so a lazily created approval is the same everywhere. */
export function newApproval(subject: ApprovalSubject): ApprovalRecord {
  const stages = subject.stages.length > 0 ? subject.stages : [[]];
  return {
    id: subject.requestId,
    surface: subject.surface,
    requesterId: subject.requesterId,
    createdDateTime: subject.createdDateTime,
    stages: stages.map((ids, i) => ({
      id: stableGuid('approval-stage', subject.requestId, String(i)),
      displayName: null,
      // PIM never asks requesters to approve themselves.
      approverIds: ids.filter((id) => id !== subject.requesterId.toLowerCase()),
      reviewResult: 'NotReviewed',
      reviewedBy: null,
      reviewedDateTime: null,
      justification: '',
    })),
  };
}

/** The approval for a subject, created in the store's data at first use. */
export function findOrCreateApproval(data: TenantData, subject: ApprovalSubject): ApprovalRecord {
  data.approvals ??= [];
  const found = data.approvals.find((a) => a.id.toLowerCase() === subject.requestId.toLowerCase() && a.surface === subject.surface);
  if (found) return found;
  const created = newApproval(subject);
  data.approvals.push(created);
  return created;
}

export function existingApproval(data: Readonly<TenantData>, surface: ApprovalSurface, requestId: string): ApprovalRecord | undefined {
  return data.approvals?.find((a) => a.surface === surface && a.id.toLowerCase() === requestId.toLowerCase());
}

/** The subject's approval; the first read creates (and stores) it. */
export async function openApproval(store: TenantStore, subject: ApprovalSubject): Promise<ApprovalRecord> {
  return existingApproval(store.data, subject.surface, subject.requestId) ?? (await store.update((d) => findOrCreateApproval(d, subject)));
}

/** How the stages look to `viewer` at `now`. */
export function stageViews(
  approval: ApprovalRecord,
  subject: Pick<ApprovalSubject, 'status'>,
  viewer: string | null,
  now: Date,
): StageView[] {
  let earlierOpen = false;
  return approval.stages.map((s) => {
    let status: StageStatus;
    if (s.reviewResult !== 'NotReviewed') status = 'Completed';
    else if (earlierOpen) status = 'NotStarted';
    else if (subject.status !== 'PendingApproval') status = 'Completed';
    else if (isExpired(approval.createdDateTime, now)) status = 'Expired';
    else status = 'InProgress';
    if (s.reviewResult === 'NotReviewed') earlierOpen = true;
    return { ...s, approverIds: [...s.approverIds], status, assignedToMe: viewer !== null && s.approverIds.includes(viewer.toLowerCase()) };
  });
}

/** Who may read an approval: its requester and its approvers (PIM administrators are let in by the caller). */
export function mayRead(approval: ApprovalRecord, userId: string): boolean {
  const id = userId.toLowerCase();
  return approval.requesterId.toLowerCase() === id || approval.stages.some((s) => s.approverIds.includes(id));
}

/** Who may see an approval: its requester, its approvers and PIM administrators. */
export function maySee(data: Readonly<TenantData>, approval: ApprovalRecord, userId: string, now: Date): boolean {
  return mayRead(approval, userId) || isPimAdmin(data, userId, now);
}

export type DecisionOutcome = 'Approved' | 'Denied' | 'NextStage';

/**
 * Records `userId`'s decision on stage `stageId`, enforcing PIM's rules: only the stage's approvers
 * (403), never the requester (403), one decision per stage and none once the request left PendingApproval
 * or expired (409). Mutates the approval; the caller applies the outcome to the request.
 */
export function decide(
  approval: ApprovalRecord,
  subject: Pick<ApprovalSubject, 'status'>,
  stageId: string,
  userId: string,
  reviewResult: string,
  justification: string,
  now: Date,
): DecisionOutcome {
  const stage = approval.stages.find((s) => s.id.toLowerCase() === stageId.toLowerCase());
  if (!stage) throw new GraphError(404, 'NotFound', `The approval stage '${stageId}' was not found.`);
  const me = userId.toLowerCase();
  if (approval.requesterId.toLowerCase() === me)
    throw new GraphError(403, 'Authorization_RequestDenied', 'The requestor cannot approve their own request.');
  if (!stage.approverIds.includes(me))
    throw new GraphError(403, 'Authorization_RequestDenied', 'The signed-in user is not an approver of this approval stage.');
  const result = normaliseReviewResult(reviewResult);
  const view = stageViews(approval, subject, me, now).find((s) => s.id === stage.id)!;
  if (stage.reviewResult !== 'NotReviewed')
    throw new GraphError(409, 'Conflict', 'The approval stage has already been reviewed by another approver.');
  if (view.status === 'Expired') throw new GraphError(409, 'Conflict', 'The approval request has expired.');
  if (view.status !== 'InProgress') throw new GraphError(409, 'Conflict', 'The approval request is no longer pending.');
  stage.reviewResult = result;
  stage.reviewedBy = me;
  stage.reviewedDateTime = now.toISOString();
  stage.justification = justification;
  if (result === 'Deny') return 'Denied';
  return approval.stages.every((s) => s.reviewResult === 'Approve') ? 'Approved' : 'NextStage';
}

export function normaliseReviewResult(value: string): 'Approve' | 'Deny' {
  const v = value.toLowerCase();
  if (v === 'approve') return 'Approve';
  if (v === 'deny') return 'Deny';
  throw new GraphError(400, 'BadRequest', `The reviewResult '${value}' is not valid; use Approve or Deny.`);
}

/** Reads {reviewResult, justification} (Graph) or {properties: {...}} (ARM). */
export function readDecisionBody(body: Record<string, unknown>): { reviewResult: string; justification: string } {
  const reviewResult = body.reviewResult;
  const justification = body.justification;
  if (typeof reviewResult !== 'string')
    throw new GraphError(400, 'BadRequest', "The request is missing the required property 'reviewResult'.");
  if (justification !== undefined && justification !== null && typeof justification !== 'string')
    throw new GraphError(400, 'BadRequest', "The property 'justification' must be a string.");
  return { reviewResult, justification: typeof justification === 'string' ? justification : '' };
}

/**
 * When an approved activation runs: from now (or its later requested start) for the requested length
 * (a duration, or the span from the requested start to a requested end). Every surface provisions so.
 */
export function approvedWindow(
  requestedStartIso: string | null | undefined,
  expiration: { duration?: string | null; endDateTime?: string | null } | undefined,
  now: Date,
): { start: Date; end: Date | null; later: boolean } {
  const requestedStart = requestedStartIso ? new Date(requestedStartIso) : now;
  const start = requestedStart.getTime() > now.getTime() ? requestedStart : now;
  const durationMs = expiration?.duration
    ? parseIsoDuration(expiration.duration)
    : expiration?.endDateTime
      ? Date.parse(expiration.endDateTime) - requestedStart.getTime()
      : undefined;
  return { start, end: durationMs === undefined ? null : new Date(start.getTime() + durationMs), later: start.getTime() > now.getTime() };
}

/**
 * Settles a Graph request on the decision that ended its approval: Denied at once, or Granted/Provisioned
 * for its approved window, where `activate` records the assignment.
 */
export function settleGraphRequest(
  r: GraphRequestRecordBase,
  outcome: DecisionOutcome,
  now: Date,
  activate: (start: Date, end: Date | null) => void,
): void {
  if (outcome === 'Denied') {
    r.status = 'Denied';
    r.completedDateTime = iso(now);
  } else if (outcome === 'Approved') {
    const { start, end, later } = approvedWindow(r.scheduleInfo?.startDateTime, r.scheduleInfo?.expiration, now);
    r.status = later ? 'Granted' : 'Provisioned';
    r.completedDateTime = iso(start);
    activate(start, end);
  }
}

/** Approval stages of an ARM policy (approvers are groups by id, stored per scope and role). */
export function approverStagesFromGroups(data: Readonly<TenantData>, groupIds: readonly string[]): string[][] {
  return groupIds.length === 0
    ? []
    : [
        expandApprovers(
          data,
          groupIds.map((groupId) => ({ groupId })),
        ),
      ];
}
