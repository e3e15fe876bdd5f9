// Every PimError kind in plain words and what to do about it, in one place. Nothing else in the
// bot phrases a PIM failure for a user.
import { isPimError, type PimError, type PimErrorKind } from '../services/pim/errors';
import { formatDuration } from '../cards/format';

export interface UserMessage {
  readonly title: string;
  readonly text: string;
  /** What the user can do next. */
  readonly hint: string;
}

/** The subject the message talks about, e.g. "Global Reader"; a generic phrase when unknown. */
export function describePimError(error: PimError, roleName = 'this role'): UserMessage {
  const describe: Record<PimErrorKind, () => UserMessage> = {
    policyViolation: () => ({
      title: `PIM refused the request for ${roleName}`,
      text: `It doesn't meet the role's policy: ${describeRules(error.details.rules)}.`,
      hint: 'Start again with "activate" and adjust what the policy asks for. Nothing was activated.',
    }),
    durationTooShort: () => ({
      title: 'That duration is too short',
      text: `PIM needs an activation of at least the policy minimum for ${roleName}.`,
      hint: 'Start again with "activate" and choose a longer duration. Nothing was activated.',
    }),
    alreadyActive: () =>
      (error.details.upstreamCode ?? '').toLowerCase() === 'pendingroleassignmentrequest'
        ? {
            title: `A request for ${roleName} is already waiting`,
            text: 'PIM already has a request of yours for this that is waiting for approval or a later start.',
            hint: 'Say "my roles" to see it, or cancel it there and ask again.',
          }
        : {
            title: `${capitalize(roleName)} is already active for you`,
            text: 'PIM already has an active assignment of this role for you, so there is nothing to activate. Nothing new was requested.',
            hint: "PIM doesn't extend an activation: when it ends, activate it again.",
          },
    notEligible: () => ({
      title: `You're not eligible for ${roleName}`,
      text: 'PIM has no eligibility for you that matches this request (it may have ended or been removed).',
      hint: 'Say "my roles" to see what you can activate, or ask your PIM administrator.',
    }),
    authenticationRequired: () => ({
      title: `${capitalize(roleName)} needs a stronger sign-in`,
      text: error.details.claims
        ? "This role's policy asks for an extra sign-in check (an authentication context) before it can be activated, and that sign-in has not happened yet."
        : "This role's policy asks for an extra sign-in check (like MFA) before it can be activated, and I could not get one for you in chat.",
      hint: 'Sign in again in Teams and retry, or activate it in the Microsoft Entra admin center (PIM). Nothing was activated.',
    }),
    forbidden: () => ({
      title: "PIM didn't allow that",
      text: 'Your account is not permitted to make this request.',
      hint: 'If you think this is wrong, ask your PIM administrator.',
    }),
    notFound: () => ({
      title: "PIM couldn't find that",
      text: 'The role or request no longer exists in PIM.',
      hint: 'Say "my roles" to see your current roles.',
    }),
    throttled: () => ({
      title: 'PIM is busy right now',
      text: 'Microsoft Entra asked me to slow down.',
      hint: error.details.retryAfterSeconds
        ? `Please try again in about ${retryAfterWords(error.details.retryAfterSeconds)}.`
        : 'Please try again in a minute.',
    }),
    unavailable: () => ({
      title: "I can't reach PIM right now",
      text: 'Microsoft Entra PIM did not answer. Nothing was changed.',
      hint: 'Please try again in a few minutes.',
    }),
    invalidInput: () => ({
      title: 'PIM rejected the request',
      text: 'Something in the request was not valid for PIM.',
      hint: 'Start again with "activate". Nothing was activated.',
    }),
    unknown: () => ({
      title: 'Something went wrong with PIM',
      text: 'The request did not go through. Nothing was activated.',
      hint: 'Please try again; if it keeps happening, tell your PIM administrator.',
    }),
  };
  return describe[error.kind]();
}

/** What the user was doing when PIM said no; changes the "what now" part of the message. */
export type PimAction = 'deactivate' | 'extend' | 'cancel';

/** Failures of the lifecycle actions (deactivate, extend, cancel), in plain words and what to do. */
export function describeLifecycleFailure(error: unknown, action: PimAction, subject: string): UserMessage {
  if (!isPimError(error)) return { ...describeFailure(error), text: 'I could not finish that. Nothing was changed.' };
  const code = (error.details.upstreamCode ?? '').toLowerCase();
  if (action === 'deactivate' && error.kind === 'durationTooShort') {
    return {
      title: `${capitalize(subject)} can't be deactivated yet`,
      text: "PIM doesn't let an activation end in its first 5 minutes.",
      hint: 'Try again in a few minutes; it stays active until then.',
    };
  }
  if (action === 'extend' && (code === 'activationnotextendable' || error.kind === 'invalidInput')) {
    return {
      title: `PIM doesn't extend ${subject}`,
      text: 'Activations run for the length they were requested; PIM only extends time-bound assignments.',
      hint: 'When it ends, activate it again (the reminder has a button for that).',
    };
  }
  if (action === 'cancel' && (error.kind === 'invalidInput' || error.kind === 'notFound')) {
    return {
      title: "That request can't be cancelled any more",
      text: 'It has already been decided, has started, or no longer exists.',
      hint: 'Say "my roles" to see where things stand.',
    };
  }
  const base = describePimError(error, subject);
  return {
    ...base,
    hint: base.hint.replace(/Start again with "activate"[^.]*\.|Nothing was activated\./g, '').trim() || 'Nothing was changed.',
  };
}

/** One short sentence for a per-item line of a several-at-once result. */
export function itemFailure(error: unknown): string {
  if (!isPimError(error)) return 'Something went wrong on my side; nothing was requested for it.';
  const code = (error.details.upstreamCode ?? '').toLowerCase();
  if (code === 'pendingroleassignmentrequest') return 'A request for it is already waiting; say "my roles" to see it.';
  switch (error.kind) {
    case 'policyViolation':
      return `Its policy refused it: ${describeRules(error.details.rules)}.`;
    case 'durationTooShort':
      return 'The duration is under its policy minimum.';
    case 'alreadyActive':
      return 'It is already active for you.';
    case 'notEligible':
      return "You're not eligible for it any more.";
    case 'authenticationRequired':
      return 'It needs a stronger sign-in first.';
    case 'forbidden':
      return "PIM didn't allow it for your account.";
    case 'notFound':
      return 'PIM no longer knows it.';
    case 'throttled':
      return 'PIM is busy; try it again in a minute.';
    case 'unavailable':
      return "PIM didn't answer; try it again in a few minutes.";
    case 'invalidInput':
      return 'PIM found something in the request not valid.';
    case 'unknown':
      return 'It did not go through.';
  }
}

/** For anything that isn't a PimError: say as little as possible and never echo internals. */
export function describeFailure(error: unknown, roleName?: string): UserMessage {
  if (isPimError(error)) return describePimError(error, roleName);
  return {
    title: 'Something went wrong on my side',
    text: 'I could not finish that. Nothing was activated.',
    hint: 'Please try again in a moment.',
  };
}

const RULE_WORDS: ReadonlyArray<[RegExp, string]> = [
  [/expiration/i, 'the duration is longer than the role allows'],
  [/justification/i, 'a justification is required'],
  [/ticket/i, 'a ticket number is required'],
  [/mfa|authenticationcontext|authentication_context/i, 'an extra sign-in check is required'],
  [/approval/i, 'approval settings were not met'],
];

function describeRules(rules: readonly string[] | undefined): string {
  if (!rules || rules.length === 0) return 'one of its rules was not met';
  const words = rules.map((rule) => RULE_WORDS.find(([pattern]) => pattern.test(rule))?.[1] ?? `the rule "${rule}" was not met`);
  return [...new Set(words)].join('; ');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A Retry-After in words, rounded up so the person is never told to come back too early: under a
 * minute in steps of 5 seconds ("about 10 seconds"), else whole minutes ("about 2 minutes").
 */
export function retryAfterWords(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) {
    const rounded = Math.ceil(s / 5) * 5;
    if (rounded < 60) return `${rounded} seconds`;
  }
  return formatDuration(Math.ceil(s / 60));
}
