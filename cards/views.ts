// One function per card: turns the neutral model into a template's data and renders it.
// Dialogs call these; they never assemble card JSON themselves.
import type { Attachment } from 'botbuilder';
import type { ActivationRequest, ActiveAssignment, Constraints, Surface } from '../services/pim/model';
import { SURFACES } from '../services/pim/surfaces';
import {
  accessName,
  cardDate,
  cardDateTime,
  cardTime,
  compactDuration,
  formatDuration,
  limitsText,
  startsLater,
  timeLeft,
  zonedDateTime,
} from './format';
import { renderCard } from './render';

/** What a card needs to show one eligible role (the eligibility key is the only id it carries). */
export interface RoleView {
  readonly key: string;
  readonly roleName: string;
  readonly scopeName: string;
  readonly constraints: Constraints;
  /** Where it lives, for grouping; absent reads as an Entra role. */
  readonly surface?: Surface;
  /** How a person reads it ("Reader on rg-web (Contoso Prod)"); defaults to "role · scope". */
  readonly label?: string;
  /** Marks a role already active or waiting ("Active now, until 12:02"); absent = neither. */
  readonly status?: string;
}

export type { Tone } from './status';
import { TITLE_COLOR, toneTitle, type Tone } from './status';

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

/** The questions an administrator can ask, shown only to one. */
export const ADMIN_QUESTIONS: ReadonlyArray<{ question: string; what: string }> = [
  { question: 'who has Global Administrator', what: 'who holds a role right now, and on which scope' },
  { question: 'who is eligible for User Administrator', what: 'who can activate it' },
  { question: 'pending approvals', what: 'requests waiting for a decision, and for how long' },
  { question: 'what did alice activate this week', what: 'activations and requests, by person, role or period' },
  { question: 'alerts', what: 'PIM alerts that fire, and their incidents' },
  { question: 'settings of User Administrator', what: "the role's activation policy" },
];

export function welcomeCard(input: {
  displayName?: string;
  roles: readonly RoleView[];
  /** Requests waiting for this person as an approver (count and a few lines); absent or empty = none. */
  waiting?: ReadonlyArray<{ readonly line: string }>;
  /** The person is a PIM administrator: show the questions they can ask, and never send them to "your PIM administrator". */
  isAdmin?: boolean;
}): Attachment {
  const firstName = input.displayName?.trim().split(/\s+/)[0];
  const waiting = input.waiting ?? [];
  const n = waiting.length;
  return renderCard('welcome', {
    greeting: firstName ? `Hi ${firstName}, I'm your PIM assistant` : "Hi, I'm your PIM assistant",
    exampleRole: (input.roles[0]?.roleName ?? 'Global Reader').toLowerCase(),
    roles: roleRows(input.roles),
    moreText: moreText(input.roles),
    emptyText: input.isAdmin
      ? 'You have no eligible roles of your own right now.'
      : "You have no eligible roles right now. Ask your PIM administrator if you think that's wrong.",
    waitingText: n === 0 ? '' : n === 1 ? '1 request is waiting for your approval' : `${n} requests are waiting for your approval`,
    waiting: waiting.slice(0, 5).map((w) => ({ line: w.line })),
    waitingButton: n === 0 ? '' : 'Show what is waiting',
    adminQuestions: input.isAdmin ? ADMIN_QUESTIONS.map((q) => ({ ...q })) : [],
  });
}

/** Rows per page of the role list: with the multi-select copy of each, well under 28 KB. */
export const ROLE_PAGE_SIZE = 15;

/** The role list's group headings. */
export const SURFACE_TITLES: Readonly<Record<Surface, string>> = {
  entraRole: 'Entra roles',
  group: 'Groups',
  azureResource: 'Azure resources',
};

function labelOf(r: RoleView): string {
  return r.label ?? (r.scopeName && r.scopeName !== 'Directory' ? `${r.roleName} · ${r.scopeName}` : r.roleName);
}

/**
 * The roles as given (already most recently used first), one page, grouped by surface; the group
 * that holds the first role comes first so recent use decides the order of groups too.
 */
export function roleListCard(input: {
  roles: readonly RoleView[];
  title?: string;
  filter?: string;
  page?: number;
  total?: number;
}): Attachment {
  const page = Math.max(0, input.page ?? 0);
  const shown = input.roles.slice(page * ROLE_PAGE_SIZE, (page + 1) * ROLE_PAGE_SIZE);
  const order = [...new Set([...shown.map((r) => r.surface ?? 'entraRole'), ...SURFACES])];
  const groups = order
    .map((surface) => ({
      title: SURFACE_TITLES[surface],
      roles: shown
        .filter((r) => (r.surface ?? 'entraRole') === surface)
        .map((r) => ({ key: r.key, label: labelOf(r), limits: limitsText(r.constraints), status: r.status ?? '' })),
    }))
    .filter((g) => g.roles.length > 0);
  const after = input.roles.length - (page + 1) * ROLE_PAGE_SIZE;
  const filter = input.filter ?? '';
  const total = input.total ?? input.roles.length;
  return renderCard('roleList', {
    title: input.title ?? 'Which role do you need?',
    filter,
    filterText: filter ? `${input.roles.length} of your ${total} eligible roles match "${filter}".` : '',
    groups,
    choices: shown.map((r) => ({ title: labelOf(r), value: r.key })),
    moreText: after > 0 ? `...and ${after} more. Use Show more, search, or type a name.` : '',
    nextPage: after > 0 ? page + 1 : 0,
  });
}

export interface ResultItemView {
  readonly label: string;
  readonly status: string;
  readonly detail: string;
  readonly tone: Tone;
}

/** One line per requested item, for several at once. */
export function resultsCard(input: { headline: string; items: readonly ResultItemView[]; footer?: string }): Attachment {
  return renderCard('results', {
    headline: input.headline,
    items: input.items
      .slice(0, MAX_LISTED_ROLES)
      .map((i) => ({ label: i.label, status: toneTitle(i.tone, i.status), detail: i.detail, color: TITLE_COLOR })),
    footer: input.footer ?? '',
  });
}

/** A step-up sign-in: the URL opens the identity provider's page; ids only travel in it. */
export function signInCard(input: { title: string; text: string; hint: string; url: string }): Attachment {
  return renderCard('signIn', input);
}

/** PIM does not extend activations: when this one ends, and a button to activate it again then. */
export function reactivateCard(input: { key: string; label: string; end: Date; now: Date }): Attachment {
  return renderCard('reminder', {
    key: input.key,
    canExtend: false,
    title: `PIM doesn't extend ${input.label}`,
    text: `Activations run for the length they were requested. It ends at ${cardTime(input.end)} (${timeLeft(input.end, input.now)}); once it has ended, activate it again with the button below. I'll remind you shortly before it ends.`,
  });
}

export function reminderCard(input: { key: string; label: string; end: Date; now: Date; canExtend: boolean }): Attachment {
  return renderCard('reminder', {
    key: input.key,
    canExtend: input.canExtend,
    title: toneTitle('warning', `${input.label} ends soon`),
    text: `It ends at ${cardTime(input.end)} (${timeLeft(input.end, input.now)}). ${input.canExtend ? 'Extend it, or activate it again once it has ended.' : 'PIM does not extend activations: activate it again when it ends.'}`,
  });
}

export function durationCard(input: {
  roleName: string;
  minMinutes: number;
  maxMinutes: number;
  defaultMinutes: number;
  /** True when nothing else will be asked, so the button says what happens next. */
  lastStep: boolean;
  /** The button's words when it does something other than activate (e.g. "Request extension"). */
  submitTitle?: string;
}): Attachment {
  return renderCard('durationForm', {
    roleName: input.roleName,
    minText: formatDuration(input.minMinutes),
    maxText: formatDuration(input.maxMinutes),
    defaultValue: compactDuration(input.defaultMinutes),
    submitTitle: input.submitTitle ?? (input.lastStep ? 'Activate' : 'Next'),
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
  const scheduled = isScheduled(request);
  const facts = [
    { title: 'Role', value: request.surface === 'group' ? accessName(request) : `${request.roleName} · ${request.scope.displayName}` },
    { title: 'Duration', value: formatDuration((request.endDateTime.getTime() - request.startDateTime.getTime()) / 60_000) },
    ...(scheduled
      ? [
          { title: 'Starts', value: zonedDateTime(request.startDateTime) },
          { title: 'Ends', value: zonedDateTime(request.endDateTime) },
        ]
      : []),
    ...(request.justification ? [{ title: 'Justification', value: request.justification }] : []),
    ...(request.ticket ? [{ title: 'Ticket', value: request.ticket.number }] : []),
    { title: 'Request', value: request.id },
  ];
  const { headline, detail, tone } = describeRequest(request, constraints);
  return renderCard('result', { headline: toneTitle(tone, headline), detail, color: TITLE_COLOR, facts });
}

/** A request for a later start: PIM holds it until then, so nothing is active yet. */
function isScheduled(request: ActivationRequest): boolean {
  return startsLater(request.startDateTime, request.createdDateTime);
}

function describeRequest(request: ActivationRequest, constraints?: Constraints): { headline: string; detail: string; tone: Tone } {
  const scheduled = isScheduled(request);
  const name = accessName(request);
  // Every result says on which scope (a group membership names its group already).
  const where = request.surface === 'group' ? '' : ` on ${request.scope.displayName}`;
  const window = scheduled
    ? `from ${cardDateTime(request.startDateTime)} until ${cardDateTime(request.endDateTime)}`
    : `from ${cardTime(request.startDateTime)} until ${cardTime(request.endDateTime)} (${cardDate(request.endDateTime)})`;
  if (
    scheduled &&
    (request.status === 'provisioned' ||
      request.status === 'granted' ||
      request.status === 'pendingProvisioning' ||
      request.status === 'other')
  ) {
    return {
      headline: `${name} is scheduled`,
      detail: `It is scheduled to start at ${cardDateTime(request.startDateTime)} and end at ${cardDateTime(request.endDateTime)}. Nothing is active before then; "my roles" shows it and can cancel it.`,
      tone: 'info',
    };
  }
  switch (request.status) {
    case 'provisioned':
    case 'granted':
      return { headline: 'Role activated', detail: `${name} is active${where} ${window}.`, tone: 'success' };
    case 'pendingProvisioning':
      return {
        headline: `${name} is being switched on`,
        detail: `It will be active${where} ${window}; this usually takes a moment.`,
        tone: 'success',
      };
    case 'pendingApproval': {
      const names = (constraints?.approvers ?? []).map((a) => a.displayName).filter((n): n is string => !!n);
      const who = names.length > 0 ? names.join(', ') : 'an approver';
      return {
        headline: `${name} is waiting for approval`,
        detail: `I've sent your request to ${who}. Once approved it will be active${where} ${window}; I'll let you know.`,
        tone: 'warning',
      };
    }
    case 'denied':
      return { headline: `${name} was denied`, detail: 'The request was denied. Nothing was activated.', tone: 'error' };
    case 'canceled':
    case 'revoked':
      return { headline: `${name} was cancelled`, detail: 'Nothing is active from this request.', tone: 'error' };
    case 'failed':
      return {
        headline: `${name} could not be activated`,
        detail: 'PIM could not complete the request. Nothing was activated.',
        tone: 'error',
      };
    case 'other':
      return {
        headline: `Request for ${name} sent`,
        detail: `PIM accepted the request${where} for ${window}; it will be active within a minute.`,
        tone: 'info',
      };
  }
}

export interface PendingView {
  readonly id: string;
  readonly surface: Surface;
  readonly label: string;
  readonly state: string;
}

/** PIM refuses deactivation in an activation's first 5 minutes. */
export const MIN_MINUTES_BEFORE_DEACTIVATION = 5;

/** Per section of "my access": three full sections stay under Teams' 28 KB. */
export const MY_ACCESS_CAP = 10;

function hiddenText(count: number, what: string): string {
  return count > MY_ACCESS_CAP ? `${count - MY_ACCESS_CAP} more ${what} not shown.` : '';
}

export function myRolesCard(input: {
  active: readonly ActiveAssignment[];
  eligible: readonly RoleView[];
  now: Date;
  requests?: readonly PendingView[];
  /** Readable label per active key ("Reader on rg-web (Contoso Prod)"). */
  labels?: ReadonlyMap<string, string>;
}): Attachment {
  const active = input.active.slice(0, MY_ACCESS_CAP).map((a) => ({
    key: a.key,
    roleName: input.labels?.get(a.key) ?? a.roleName,
    scopeName: input.labels?.has(a.key) ? '' : a.scope.displayName,
    timeLeft: a.endDateTime ? timeLeft(a.endDateTime, input.now) : 'permanent',
    until: a.endDateTime ? `Until ${cardDateTime(a.endDateTime)}` : a.assignmentType === 'assigned' ? 'Standing assignment' : 'No end date',
    canDeactivate: a.assignmentType === 'activated',
    // PIM extends time-bound assignments, not activations (those are activated again).
    canExtend: a.assignmentType === 'assigned' && a.endDateTime !== null,
  }));
  return renderCard('myRoles', {
    title: 'My roles',
    active,
    requests: (input.requests ?? []).slice(0, MY_ACCESS_CAP),
    eligible: roleRows(input.eligible.slice(0, MY_ACCESS_CAP)),
    moreText: [
      hiddenText(input.active.length, 'active'),
      hiddenText(input.requests?.length ?? 0, 'waiting'),
      input.eligible.length > MY_ACCESS_CAP
        ? `${input.eligible.length - MY_ACCESS_CAP} more you can activate: say "activate" to search them.`
        : '',
    ]
      .filter(Boolean)
      .join(' '),
    checkedAt: cardTime(input.now),
  });
}

export function infoCard(input: { title: string; text: string; hint?: string; tone?: Tone }): Attachment {
  return renderCard('info', {
    title: toneTitle(input.tone ?? 'info', input.title),
    text: input.text,
    hint: input.hint ?? '',
    color: TITLE_COLOR,
  });
}
