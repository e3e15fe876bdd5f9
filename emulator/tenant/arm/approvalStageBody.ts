// The body of an ARM approval stage PATCH. Two forms are in use for the same decision:
// - flat {reviewResult, justification}: the 2021-01-01-preview swagger's RoleAssignmentApprovalStep body
//   (Azure/azure-rest-api-specs, authorization/.../preview/2021-01-01-preview);
// - {properties: {reviewResult, justification}}: Microsoft's own example for that operation
//   (examples/ScopePatchRoleAssignmentApprovalStepById.json, contracts/approvals/
//   arm.roleAssignmentApprovals.stage.patch.approve) and what tools send to real ARM.
// Both are answered; anything else is ARM's InvalidRequestContent.
import type { EmulatorRequest } from '../http/types';
import { armError } from './routes';

const FIELDS = new Set(['reviewResult', 'justification']);

export function readStageDecision(req: EmulatorRequest): { reviewResult: string; justification: string } {
  let body: unknown;
  try {
    body = JSON.parse(req.body.toString('utf8'));
  } catch {
    throw invalid('The request content was invalid and could not be deserialized.');
  }
  if (!isObject(body)) throw invalid('The request content must be a JSON object.');
  const keys = Object.keys(body);
  let fields: Record<string, unknown>;
  if (keys.includes('properties')) {
    if (keys.length !== 1) throw invalid("The request content must have either a 'properties' object or the stage's fields, not both.");
    if (!isObject(body.properties)) throw invalid("The request content's 'properties' must be an object.");
    fields = body.properties;
  } else {
    fields = body;
  }
  for (const k of Object.keys(fields)) {
    if (!FIELDS.has(k)) throw invalid(`Could not find member '${k}' on object of type 'RoleAssignmentApprovalStepProperties'.`);
  }
  const { reviewResult, justification } = fields;
  if (typeof reviewResult !== 'string') throw invalid("The request content must set 'reviewResult' (Approve or Deny).");
  if (justification !== undefined && justification !== null && typeof justification !== 'string')
    throw invalid("The 'justification' must be a string.");
  return { reviewResult, justification: typeof justification === 'string' ? justification : '' };
}

function invalid(message: string): ReturnType<typeof armError> {
  return armError(400, 'InvalidRequestContent', message);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
