// Reads and checks the JSON body of a schedule request (unifiedRoleAssignment/EligibilityScheduleRequest).
import type { EmulatorRequest } from '../http/types';
import type { TicketInfo } from '../state/types';
import { badRequest } from './errors';

export const ACTIONS = [
  'adminAssign',
  'adminUpdate',
  'adminRemove',
  'selfActivate',
  'selfDeactivate',
  'adminExtend',
  'adminRenew',
  'selfExtend',
  'selfRenew',
] as const;
export type Action = (typeof ACTIONS)[number];

export interface ScheduleRequestBody {
  /** Canonical camelCase action. */
  readonly action: Action;
  /** The action exactly as sent: Graph echoes the caller's casing. */
  readonly actionAsSent: string;
  readonly principalId: string;
  readonly roleDefinitionId: string;
  readonly directoryScopeId: string;
  readonly appScopeId: string | null;
  readonly justification: string | null;
  readonly ticketInfo: TicketInfo;
  readonly scheduleInfo: unknown;
  readonly isValidationOnly: boolean;
  readonly customData: string | null;
}

const KNOWN = new Set([
  '@odata.type',
  'action',
  'principalId',
  'roleDefinitionId',
  'directoryScopeId',
  'appScopeId',
  'justification',
  'ticketInfo',
  'scheduleInfo',
  'isValidationOnly',
  'customData',
  'targetScheduleId',
]);

export function jsonObjectBody(req: EmulatorRequest): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.body.toString('utf8'));
  } catch {
    throw badRequest('Invalid JSON in the request body.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw badRequest('The request body must be a JSON object.');
  return parsed as Record<string, unknown>;
}

/** Refuses a property `typeName` does not define, in Graph's words (`hint` where Graph adds one). */
export function refuseUnknownProperties(body: Record<string, unknown>, known: ReadonlySet<string>, typeName: string, hint = ''): void {
  for (const k of Object.keys(body)) {
    if (!known.has(k)) throw badRequest(`The property '${k}' does not exist on type 'microsoft.graph.${typeName}'.${hint}`);
  }
}

/** A string property: null when absent (400 when required), 400 when not a string. */
export function stringProperty(body: Record<string, unknown>, k: string, required: boolean): string | null {
  const v = body[k];
  if (v === undefined || v === null) {
    if (required) throw badRequest(`The request is missing the required property '${k}'.`);
    return null;
  }
  if (typeof v !== 'string') throw badRequest(`The property '${k}' must be a string.`);
  return v;
}

/** The request's action, canonical and as sent; one outside `enumType` is a 400. */
export function readAction(body: Record<string, unknown>, enumType: string): { action: Action; actionAsSent: string } {
  const actionAsSent = stringProperty(body, 'action', true)!;
  const action = ACTIONS.find((a) => a.toLowerCase() === actionAsSent.toLowerCase());
  if (!action) throw badRequest(`Cannot convert the literal '${actionAsSent}' to the expected type 'microsoft.graph.${enumType}'.`);
  return { action, actionAsSent };
}

/** isValidationOnly, when sent, must be a boolean. */
export function readValidationOnly(body: Record<string, unknown>): boolean {
  if (body.isValidationOnly !== undefined && typeof body.isValidationOnly !== 'boolean')
    throw badRequest("The property 'isValidationOnly' must be a boolean.");
  return body.isValidationOnly === true;
}

export function readScheduleRequest(req: EmulatorRequest, typeName: string): ScheduleRequestBody {
  const body = jsonObjectBody(req);
  refuseUnknownProperties(body, KNOWN, typeName, ' Make sure to only use property names that are defined by the type.');
  const str = (k: string, required: boolean): string | null => stringProperty(body, k, required);
  const { action, actionAsSent } = readAction(body, 'unifiedRoleScheduleRequestActions');
  const directoryScopeId = str('directoryScopeId', false);
  const appScopeId = str('appScopeId', false);
  if (directoryScopeId === null && appScopeId === null) throw badRequest('Either directoryScopeId or appScopeId is required.');
  if (appScopeId !== null) throw badRequest('appScopeId is not supported by the local tenant; use directoryScopeId.');
  const isValidationOnly = readValidationOnly(body);
  const ticket = body.ticketInfo as { ticketNumber?: unknown; ticketSystem?: unknown } | undefined | null;
  if (ticket !== undefined && ticket !== null && (typeof ticket !== 'object' || Array.isArray(ticket)))
    throw badRequest("The property 'ticketInfo' must be an object.");
  const ticketField = (v: unknown, name: string): string | null => {
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') throw badRequest(`The property 'ticketInfo.${name}' must be a string.`);
    return v;
  };
  return {
    action,
    actionAsSent,
    principalId: str('principalId', true)!,
    roleDefinitionId: str('roleDefinitionId', true)!,
    directoryScopeId: directoryScopeId ?? '/',
    appScopeId,
    justification: str('justification', false),
    ticketInfo: {
      ticketNumber: ticketField(ticket?.ticketNumber, 'ticketNumber'),
      ticketSystem: ticketField(ticket?.ticketSystem, 'ticketSystem'),
    },
    scheduleInfo: body.scheduleInfo,
    isValidationOnly,
    customData: str('customData', false),
  };
}
