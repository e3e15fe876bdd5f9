// What the approval flow needs from one PIM surface. Entra roles (Graph beta), PIM for Groups
// (Graph v1.0) and Azure resources (ARM preview) each implement it; nothing above sees their shapes.

import type { ActivationRequest, RequestStatus, Surface, UserContext } from '../pim/model';
import type { RequesterProfile, RoleInfo } from './context';
import type { ApprovalState, Decision } from './model';

export interface ApprovalsPort {
  readonly surface: Surface;
  /**
   * The approval as `user` (an approver or the requester) sees it, with the user's own delegated token.
   * `approvalId` is the request's own `approvalId` as PIM gave it; surfaces whose approval is named after
   * the request (Graph) do not need it, ARM does.
   */
  getApproval(user: UserContext, requestId: string, approvalId?: string): Promise<ApprovalState>;
  /**
   * Records the approver's decision on one step with the approver's own delegated token: PIM checks
   * that they may decide. Throws PimError (403 'forbidden', 404 'notFound', 409 → httpStatus 409).
   */
  decide(
    approver: UserContext,
    requestId: string,
    stepId: string,
    decision: Decision,
    justification: string,
    approvalId?: string,
  ): Promise<void>;
  /**
   * The request's status read app-only (reconciling while nobody is in a turn); undefined when the
   * surface offers no app-only read (ARM): then the approval and PIM's 24 hours decide.
   */
  getRequestStatus(requestId: string): Promise<RequestStatus | undefined>;
  /**
   * The requester's recent activation requests of the same role, app-only; newest first; undefined =
   * not known. `target` may be the new request, or what it is about before PIM has created it.
   */
  recentActivations(target: ActivationTarget, limit: number): Promise<ActivationRequest[] | undefined>;
  /**
   * Every request of the surface that waits for approval now, read app-only with the app's read rights:
   * the sweep's view of PIM's truth, so a request the bot never recorded (an instance killed inside the
   * submit) still gets its record and cards. undefined = the surface cannot be read so.
   */
  pendingApprovals(): Promise<PendingAtPim[] | undefined>;
  /**
   * What the role's definition says (description, isPrivileged), read with the requester's own
   * delegated token where the surface needs one (ARM); undefined = not known.
   */
  roleInfo?(requester: UserContext, target: ActivationTarget): Promise<RoleInfo | undefined>;
  /**
   * Every request of the surface that `approver` may decide now, through PIM's own approver view with
   * their own delegated token (Graph filterByCurrentUser(on='approver'), ARM asApprover()).
   */
  awaitingDecisionBy?(approver: UserContext): Promise<PendingAtPim[]>;
}

/** A request waiting for approval as PIM lists it; ids only (the requester's view fills in the rest). */
export interface PendingAtPim {
  readonly surface: Surface;
  /** The request's id as the surface names it (Graph: its GUID; ARM: its full resource id). */
  readonly id: string;
  readonly principalId: string;
  /** The request's approvalId as PIM states it, when it states one. */
  readonly approvalId?: string;
  /** When PIM created it (by PIM's clock), when it says. */
  readonly createdDateTime?: Date;
}

/** Who asks for which role where; `id`, when known, is the new request's own (left out of its history). */
export type ActivationTarget = Pick<ActivationRequest, 'principalId' | 'roleId' | 'roleName' | 'scope'> & { readonly id?: string };

/** Users and groups, read app-only: approver groups are expanded and names shown on cards. */
export interface DirectoryPort {
  groupMembers(groupId: string): Promise<Array<{ id: string; displayName?: string }>>;
  user(userId: string): Promise<{ id: string; displayName?: string } | undefined>;
  /** Job title, department and manager, where the directory has them; undefined = unknown user. */
  profile?(userId: string): Promise<RequesterProfile | undefined>;
}

/**
 * Production: when an approver has never talked to the bot, install the app for them so the bot
 * can reach their 1:1 chat (Graph POST /users/{id}/teamwork/installedApps, app-only).
 */
export interface AppInstallerPort {
  installForUser(userId: string): Promise<'installed' | 'alreadyInstalled'>;
}
