// Persisted records of PIM for Groups and Azure resources. Kept apart from types.ts so the
// surfaces grow without touching the Entra records; field names follow Graph and ARM's own JSON.
import type { GraphRequestRecordBase, RequestSchedule, RequestStatus, TicketInfo } from './types';

/** An active group membership/ownership: activated through PIM or assigned outright. */
export interface GroupAssignmentRecord {
  id: string;
  groupId: string;
  principalId: string;
  accessId: 'member' | 'owner';
  assignmentType: 'Activated' | 'Assigned';
  memberType: 'Direct';
  status: string;
  startDateTime: string;
  endDateTime: string | null;
  /** The request that created it. */
  createdUsing: string | null;
  /** The eligibility an activation used. */
  activatedUsing: string | null;
  scheduleInfo: RequestSchedule;
}

/** privilegedAccessGroupAssignmentScheduleRequest. */
export interface GroupRequestRecord extends GraphRequestRecordBase {
  accessId: 'member' | 'owner';
  groupId: string;
}

export interface AzureScheduleInfo {
  startDateTime: string | null;
  expiration: { type: 'AfterDuration' | 'AfterDateTime' | 'NoExpiration'; endDateTime: string | null; duration: string | null };
}

/** An ARM role assignment schedule (what roleAssignmentScheduleInstances shows while it is in force). */
export interface AzureAssignmentRecord {
  /** The schedule's name (GUID). */
  name: string;
  scope: string;
  principalId: string;
  roleDefinitionId: string;
  assignmentType: 'Activated' | 'Assigned';
  status: string;
  startDateTime: string;
  endDateTime: string | null;
  createdOn: string;
  linkedRoleEligibilityScheduleId: string | null;
  /** The request that created it. */
  requestName: string | null;
}

/** roleAssignmentScheduleRequest (ARM). */
export interface AzureRequestRecord {
  name: string;
  scope: string;
  principalId: string;
  roleDefinitionId: string;
  /** As sent (SelfActivate, SelfDeactivate, SelfExtend ...). */
  requestType: string;
  status: RequestStatus | 'Accepted' | 'AdminApproved' | 'AdminDenied' | 'TimedOut';
  approvalId: string | null;
  scheduleInfo: AzureScheduleInfo;
  ticketInfo: TicketInfo;
  justification: string | null;
  requestorId: string;
  createdOn: string;
  linkedRoleEligibilityScheduleId: string | null;
  targetRoleAssignmentScheduleId: string | null;
}
