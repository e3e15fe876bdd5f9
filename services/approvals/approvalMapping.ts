// PIM's approval shapes → ApprovalState. Graph beta has `steps`, Graph v1.0 `stages`, ARM
// `properties.stages[].properties`; reviewedBy is an identity {id, displayName} in Graph and
// {principalId, principalName} in ARM. Pure, so contract tests feed Microsoft's examples through it.

import { PimError } from '../pim/errors';
import { asArray, asRecord, readBoolean, readDate, readRecord, readString, type JsonRecord } from '../pim/json';
import type { Surface } from '../pim/model';
import type { ApprovalState, ApprovalStep, PersonRef } from './model';

export function toApprovalState(value: unknown, surface: Surface): ApprovalState {
  const raw = asRecord(value);
  const properties = readRecord(raw, 'properties');
  const id = readString(raw, 'name') ?? readString(raw, 'id');
  const items = properties ? asArray(properties['stages']) : asArray(raw?.['steps'] ?? raw?.['stages']);
  if (!raw || !id) throw new PimError('unknown', 'PIM returned an approval without an id');
  return {
    requestId: lastSegment(id),
    surface,
    steps: items
      .map(asRecord)
      .filter((s): s is JsonRecord => s !== undefined)
      .map(toStep),
  };
}

export function toStep(item: JsonRecord): ApprovalStep {
  // ARM nests the fields under properties and names the step by its last path segment.
  const p = readRecord(item, 'properties') ?? item;
  const id = lastSegment(readString(item, 'id') ?? readString(item, 'name') ?? '');
  return {
    id,
    status: stepStatus(readString(p, 'status')),
    reviewResult: reviewResult(readString(p, 'reviewResult')),
    reviewedBy: person(readRecord(p, 'reviewedBy')),
    reviewedAt: readDate(p, 'reviewedDateTime'),
    justification: readString(p, 'justification') ?? '',
    assignedToMe: readBoolean(p, 'assignedToMe') === true,
  };
}

function person(r: JsonRecord | undefined): PersonRef | null {
  const id = readString(r, 'id') ?? readString(r, 'principalId');
  if (!id) return null;
  const displayName = readString(r, 'displayName') ?? readString(r, 'principalName');
  return displayName ? { id, displayName } : { id };
}

function stepStatus(s: string | undefined): ApprovalStep['status'] {
  switch (s?.toLowerCase()) {
    case 'inprogress':
    case 'initializing':
    case 'escalating':
    case 'escalated':
      return 'inProgress';
    case 'completed':
    case 'completing':
      return 'completed';
    case 'expired':
      return 'expired';
    case 'notstarted':
      return 'notStarted';
    default:
      return 'other';
  }
}

function reviewResult(s: string | undefined): ApprovalStep['reviewResult'] {
  const v = s?.toLowerCase();
  return v === 'approve' ? 'approve' : v === 'deny' ? 'deny' : 'notReviewed';
}

function lastSegment(id: string): string {
  return id.split('/').filter(Boolean).pop() ?? id;
}
