// Graph JSON for PIM for Groups, with the fields Microsoft's examples in contracts/groups show.
import { shapeEntity, type EntityType, type Json } from '../odata/collection';
import type { ExpandItem } from '../odata/query';
import { groupJson } from './entities';
import { effectiveStatus } from '../pim/activation';
import type { GroupEligibilityRecord, GroupRecord, RequestSchedule, ScheduleRequestRecord, TenantData } from '../state/types';
import type { GroupAssignmentRecord, GroupRequestRecord } from '../state/surfaces';

export interface GroupEntityTypes {
  eligibilityInstance: EntityType<GroupEligibilityRecord>;
  assignmentInstance: EntityType<GroupAssignmentRecord>;
  assignmentRequest: EntityType<GroupRequestRecord>;
}

const GROUP: EntityType<GroupRecord> = { name: 'group', filterable: {}, toJson: groupJson };

const INSTANCE_FILTER = {
  id: 'string',
  groupId: 'string',
  principalId: 'string',
  accessId: 'enum',
  memberType: 'enum',
  startDateTime: 'datetime',
  endDateTime: 'datetime',
} as const;

export function createGroupEntityTypes(now: () => Date, data: () => Readonly<TenantData>): GroupEntityTypes {
  // $expand=group: the group the membership or ownership is of.
  const group = (r: { groupId: string }, item: ExpandItem) => {
    const g = data().groups.find((x) => x.id === r.groupId);
    return g ? shapeEntity(GROUP, g, item.select, item.expand) : null;
  };
  return {
    eligibilityInstance: {
      name: 'privilegedAccessGroupEligibilityScheduleInstance',
      filterable: { ...INSTANCE_FILTER, eligibilityScheduleId: 'string' },
      toJson: (e) => ({
        id: e.id,
        startDateTime: e.startDateTime,
        endDateTime: e.endDateTime,
        accessId: e.accessId,
        principalId: e.principalId,
        groupId: e.groupId,
        memberType: e.memberType,
        eligibilityScheduleId: e.id,
      }),
      navigation: { group },
    },
    assignmentInstance: {
      name: 'privilegedAccessGroupAssignmentScheduleInstance',
      filterable: { ...INSTANCE_FILTER, assignmentType: 'enum', assignmentScheduleId: 'string' },
      toJson: (a) => ({
        id: a.id,
        principalId: a.principalId,
        startDateTime: a.startDateTime,
        endDateTime: a.endDateTime,
        assignmentType: a.assignmentType,
        accessId: a.accessId,
        groupId: a.groupId,
        memberType: a.memberType,
        assignmentScheduleId: a.id,
      }),
      navigation: { group },
    },
    assignmentRequest: {
      name: 'privilegedAccessGroupAssignmentScheduleRequest',
      filterable: {
        id: 'string',
        status: 'enum',
        action: 'enum',
        groupId: 'string',
        principalId: 'string',
        accessId: 'enum',
        createdDateTime: 'datetime',
        completedDateTime: 'datetime',
        approvalId: 'string',
        targetScheduleId: 'string',
        isValidationOnly: 'boolean',
      },
      toJson: (r) => groupRequestJson(r, now()),
      navigation: { group },
    },
  };
}

/** Groups echo the schedule as Microsoft's examples show it: no recurrence, only the expiration's own field. */
function groupSchedule(s: RequestSchedule): Json {
  const { type, duration, endDateTime } = s.expiration;
  const expiration: Json = { type };
  if (type === 'afterDuration') expiration.duration = duration;
  if (type === 'afterDateTime') expiration.endDateTime = endDateTime;
  return { startDateTime: s.startDateTime, expiration };
}

/** As for directory roles: Granted becomes Provisioned at its start, and an undecided approval ends after 24 hours. */
export function groupRequestStatus(r: GroupRequestRecord, now: Date): GroupRequestRecord['status'] {
  return effectiveStatus(
    {
      status: r.status,
      scheduleInfo: r.scheduleInfo,
      createdDateTime: r.createdDateTime,
      approvalId: r.approvalId,
    } as ScheduleRequestRecord,
    now,
  );
}

export function groupRequestJson(r: GroupRequestRecord, now: Date): Json {
  const status = groupRequestStatus(r, now);
  return {
    id: r.id,
    status,
    completedDateTime: r.completedDateTime,
    createdDateTime: r.createdDateTime,
    approvalId: r.approvalId,
    customData: r.customData,
    createdBy: r.createdBy.kind === 'user' ? { user: { id: r.createdBy.id } } : { application: { id: r.createdBy.id } },
    action: r.action,
    isValidationOnly: r.isValidationOnly,
    justification: r.justification,
    scheduleInfo: r.scheduleInfo && groupSchedule(r.scheduleInfo),
    ticketInfo: { ...r.ticketInfo },
    accessId: r.accessId,
    principalId: r.principalId,
    groupId: r.groupId,
    targetScheduleId: r.targetScheduleId,
  };
}
