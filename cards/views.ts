// One function per card: turns the neutral model into a template's data and renders it.
// Dialogs call these; they never assemble card JSON themselves.
import type { Attachment } from 'botbuilder';
import type { ActivationRequest, ActiveAssignment, Constraints } from '../services/pim/model';
import { cardDate, cardDateTime, cardTime, compactDuration, formatDuration, limitsText, timeLeft } from './format';
import { renderCard } from './render';

/** What a card needs to show one eligible role (the eligibility key is the only id it carries). */
export interface RoleView {
  readonly key: string;
  readonly roleName: string;
  readonly scopeName: string;
  readonly constraints: Constraints;
}

export type Tone = 'info' | 'success' | 'warning' | 'error';

const TONE_COLOR: Record<Tone, string> = { info: 'Default', success: 'Good', warning: 'Warning', error: 'Attention' };

/** Keeps every card well under Teams' size limit however many eligibilities someone has. */
export const MAX_LISTED_ROLES = 20;

function roleRows(roles: readonly RoleView[]) {
  return roles
    .slice(0, MAX_LISTED_ROLES)
    .map((r) => ({ key: r.key, roleName: r.roleName, scopeName: r.scopeName, limits: limitsText(r.constraints) }));
}

function moreText(roles: readonly RoleView[]): string {
  const hidden = roles.length - MAX_LISTED_ROLES;
  return hidden > 0 ? `...and ${hidden} more. Type a role's name to pick one that isn't listed.` : '';
}

export function welcomeCard(input: { displayName?: string; roles: readonly RoleView[] }): Attachment {
  const firstName = input.displayName?.trim().split(/\s+/)[0];
  return renderCard('welcome', {
    greeting: firstName ? `Hi ${firstName}, I'm your PIM assistant` : "Hi, I'm your PIM assistant",
    exampleRole: (input.roles[0]?.roleName ?? 'Global Reader').toLowerCase(),
    roles: roleRows(input.roles),
    moreText: moreText(input.roles),
    emptyText: "You have no eligible roles right now. Ask your PIM administrator if you think that's wrong.",
  });
}

export function roleListCard(input: { roles: readonly RoleView[] }): Attachment {
  return renderCard('roleList', {
    title: 'Which role do you need?',
    roles: roleRows(input.roles),
    moreText: moreText(input.roles),
  });
}

export function durationCard(input: {
  roleName: string;
  minMinutes: number;
  maxMinutes: number;
  defaultMinutes: number;
  /** True when nothing else will be asked, so the button says what happens next. */
  lastStep: boolean;
}): Attachment {
  return renderCard('durationForm', {
    roleName: input.roleName,
    minText: formatDuration(input.minMinutes),
    maxText: formatDuration(input.maxMinutes),
    defaultValue: compactDuration(input.defaultMinutes),
    submitTitle: input.lastStep ? 'Activate' : 'Next',
  });
}

export function justificationCard(input: {
  roleName: string;
  scopeName: string;
  durationMinutes: number;
  askJustification: boolean;
  askTicket: boolean;
}): Attachment {
  const title = input.askJustification ? `Why do you need ${input.roleName}?` : `Which ticket is this for?`;
  return renderCard('justificationForm', {
    title,
    roleName: input.roleName,
    scopeName: input.scopeName,
    durationText: formatDuration(input.durationMinutes),
    askJustification: input.askJustification,
    askTicket: input.askTicket,
  });
}

export function activationResultCard(request: ActivationRequest, constraints?: Constraints): Attachment {
  const facts = [
    { title: 'Role', value: `${request.roleName} · ${request.scope.displayName}` },
    { title: 'Duration', value: formatDuration((request.endDateTime.getTime() - request.startDateTime.getTime()) / 60_000) },
    ...(request.justification ? [{ title: 'Justification', value: request.justification }] : []),
    ...(request.ticket ? [{ title: 'Ticket', value: request.ticket.number }] : []),
    { title: 'Request', value: request.id },
  ];
  const { headline, detail, tone } = describeRequest(request, constraints);
  return renderCard('result', { headline, detail, color: TONE_COLOR[tone], facts });
}

function describeRequest(request: ActivationRequest, constraints?: Constraints): { headline: string; detail: string; tone: Tone } {
  const window = `from ${cardTime(request.startDateTime)} until ${cardTime(request.endDateTime)} (${cardDate(request.endDateTime)})`;
  switch (request.status) {
    case 'provisioned':
    case 'granted':
      return { headline: 'Role activated', detail: `${request.roleName} is active ${window}.`, tone: 'success' };
    case 'pendingProvisioning':
      return { headline: `${request.roleName} is being switched on`, detail: `It will be active ${window}; this usually takes a moment.`, tone: 'success' };
    case 'pendingApproval': {
      const names = (constraints?.approvers ?? []).map((a) => a.displayName).filter((n): n is string => !!n);
      const who = names.length > 0 ? names.join(', ') : 'an approver';
      return {
        headline: `${request.roleName} is waiting for approval`,
        detail: `I've sent your request to ${who}. Once approved it will be active ${window}; I'll let you know.`,
        tone: 'warning',
      };
    }
    case 'denied':
      return { headline: `${request.roleName} was denied`, detail: 'The request was denied. Nothing was activated.', tone: 'error' };
    case 'canceled':
    case 'revoked':
      return { headline: `${request.roleName} was cancelled`, detail: 'Nothing is active from this request.', tone: 'error' };
    case 'failed':
      return { headline: `${request.roleName} could not be activated`, detail: 'PIM could not complete the request. Nothing was activated.', tone: 'error' };
    case 'other':
      return { headline: `Request for ${request.roleName} sent`, detail: `PIM accepted the request for ${window}. Check "my roles" in a moment.`, tone: 'info' };
  }
}

export function myRolesCard(input: { active: readonly ActiveAssignment[]; eligible: readonly RoleView[]; now: Date }): Attachment {
  const active = input.active.slice(0, MAX_LISTED_ROLES).map((a) => ({
    roleName: a.roleName,
    scopeName: a.scope.displayName,
    timeLeft: a.endDateTime ? timeLeft(a.endDateTime, input.now) : 'permanent',
    until: a.endDateTime ? `Until ${cardDateTime(a.endDateTime)}` : a.assignmentType === 'assigned' ? 'Standing assignment' : 'No end date',
  }));
  return renderCard('myRoles', { active, eligible: roleRows(input.eligible), moreText: moreText(input.eligible), checkedAt: cardTime(input.now) });
}

export function infoCard(input: { title: string; text: string; hint?: string; tone?: Tone }): Attachment {
  return renderCard('info', { title: input.title, text: input.text, hint: input.hint ?? '', color: TONE_COLOR[input.tone ?? 'info'] });
}
