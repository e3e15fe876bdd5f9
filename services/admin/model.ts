// What admins ask about, in provider-neutral shapes: the dialogs and cards see these, never Graph JSON.
import type { Surface, UserContext } from '../pim/model';

/** How the asker qualifies for tenant-wide questions. */
export type AdminAccess =
  /** Holds an active Privileged Role Administrator or Global Administrator role: asks with their own token. */
  | { readonly kind: 'role'; readonly roleNames: readonly string[] }
  /** Member of the configured admin group only: Graph refuses their token tenant-wide, so the app asks. */
  | { readonly kind: 'group' }
  /** May ask about their own access only. */
  | { readonly kind: 'none' };

export interface Asker {
  readonly user: UserContext;
  readonly access: AdminAccess;
}

/** One role at one scope, as resolved from the names the asker typed (ids only from here on). */
export type RoleRef =
  | { readonly surface: 'entraRole'; readonly roleId: string; readonly roleName: string }
  | { readonly surface: 'group'; readonly groupId: string; readonly groupName: string; readonly accessId: 'member' | 'owner' }
  | {
      readonly surface: 'azureResource';
      readonly scopeId: string;
      readonly scopeName: string;
      readonly roleDefinitionId: string;
      readonly roleName: string;
    };

export interface PrincipalRef {
  readonly id: string;
  readonly displayName: string;
  readonly kind: 'user' | 'group' | 'servicePrincipal' | 'unknown';
  readonly userPrincipalName?: string;
}

export interface Holder {
  readonly principal: PrincipalRef;
  readonly assignmentType: 'activated' | 'assigned';
  /** A standing assignment PIM did not make (assigned directly in the directory). */
  readonly outsidePim: boolean;
  /** Held through a group rather than directly. */
  readonly viaGroup: boolean;
  readonly since: Date | null;
  /** null = permanent. */
  readonly until: Date | null;
  /** Azure: held at a scope above the one asked about (its name). */
  readonly inheritedFrom?: string;
}

export interface EligibleHolder {
  readonly principal: PrincipalRef;
  readonly viaGroup: boolean;
  readonly since: Date | null;
  readonly until: Date | null;
  /** Azure: eligible at a scope above the one asked about (its name). */
  readonly inheritedFrom?: string;
}

export interface PendingRequest {
  readonly id: string;
  readonly surface: Surface;
  readonly principal: PrincipalRef;
  readonly roleName: string;
  readonly scopeName: string;
  readonly createdDateTime: Date;
  readonly justification: string | null;
  readonly ticketNumber: string | null;
  readonly durationMinutes: number | null;
}

export type ActivityKind =
  'activation' | 'request' | 'approval' | 'denial' | 'cancellation' | 'deactivation' | 'assignment' | 'removal' | 'other';

export interface ActivityEntry {
  readonly at: Date;
  readonly kind: ActivityKind;
  /** PIM's own wording of the activity (audit log) or of the request. */
  readonly description: string;
  readonly actor: PrincipalRef | null;
  /** Whose access it is about. */
  readonly subject: PrincipalRef | null;
  readonly roleName: string;
  readonly surface: Surface;
  readonly result: 'success' | 'failure' | 'pending';
  readonly requestId: string | null;
  readonly justification: string | null;
  /** 'bot': the bot's own approval records (an approver's own decisions, for one who may not read the audit log). */
  readonly source: 'audit' | 'requests' | 'bot';
  /** How long the access was asked for, when the source says (requests; audit entries joined with them). */
  readonly durationMinutes?: number | null;
}

/** One active assignment, anywhere (Entra role, PIM group, Azure role): "who has privileged access now". */
export interface ActiveAccess {
  readonly principal: PrincipalRef;
  readonly surface: Surface;
  readonly roleName: string;
  /** 'Directory', the group's name, or the Azure scope's name. */
  readonly scopeName: string;
  readonly assignmentType: 'activated' | 'assigned';
  readonly outsidePim: boolean;
  readonly viaGroup: boolean;
  readonly since: Date | null;
  /** null = permanent. */
  readonly until: Date | null;
}

export interface ActivityQuery {
  readonly principalId?: string;
  readonly roleId?: string;
  readonly from: Date;
  readonly to: Date;
  /** 'activations': only what turns access on (requests, approvals, activations); 'decisions': approvals and denials made by principalId. */
  readonly only?: 'activations' | 'decisions';
}

export interface AlertSummary {
  readonly id: string;
  readonly displayName: string;
  readonly severity: 'informational' | 'low' | 'medium' | 'high' | 'unknown';
  readonly incidentCount: number;
  readonly isActive: boolean;
  readonly lastScanned: Date | null;
  readonly description: string;
  readonly mitigation: string;
  /** The alert's configured thresholds, as "name: value". */
  readonly settings: readonly string[];
}

export interface AlertIncident {
  readonly id: string;
  /** Who or what the incident is about (a user, or a role for role-level alerts). */
  readonly subject: string;
  readonly detail: string;
}

export interface NotificationSetting {
  readonly event: 'eligibleAssignment' | 'activeAssignment' | 'activation';
  readonly recipient: 'admin' | 'requestor' | 'approver';
  readonly level: string;
  readonly defaultRecipients: boolean;
  readonly additionalRecipients: readonly string[];
}

export interface RoleSettings {
  readonly maxActivationMinutes: number;
  readonly requiresApproval: boolean;
  readonly approvers: readonly string[];
  readonly requiresMfa: boolean;
  readonly authenticationContext: string | null;
  readonly requiresJustification: boolean;
  readonly requiresTicket: boolean;
  /** Longest eligibility an admin may grant; null = permanent allowed. */
  readonly maxEligibilityDays: number | null;
  /** Longest active assignment an admin may make; null = permanent allowed. */
  readonly maxAssignmentDays: number | null;
  readonly notifications: readonly NotificationSetting[];
  /** The Entra role definition's isPrivileged; absent for groups and Azure roles, which state no such flag. */
  readonly privileged?: boolean;
}

/** Every answer says when it was read and what it could not cover. */
export interface ReadResult<T> {
  readonly items: readonly T[];
  readonly readAt: Date;
  readonly notes: readonly string[];
}

/** Names the recognizer resolves what people type against (ids from the tenant, never from the text). */
export interface AdminDirectory {
  readonly roles: readonly { readonly id: string; readonly name: string }[];
  readonly users: readonly { readonly id: string; readonly name: string; readonly userPrincipalName: string }[];
  readonly groups: readonly { readonly id: string; readonly name: string }[];
  readonly azureScopes: readonly { readonly id: string; readonly name: string }[];
  readonly azureRoles: readonly { readonly id: string; readonly name: string }[];
  readonly alerts: readonly { readonly id: string; readonly name: string }[];
}
