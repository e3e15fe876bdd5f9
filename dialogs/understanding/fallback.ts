// What a person gets when the bot could not read their message: never a bare "I didn't catch that",
// but what it can do, as buttons (the same as typing the words). Approvers and admins see their own
// questions too. A message in another language is told plainly that the bot reads English.
import { MessageFactory, type TurnContext } from 'botbuilder';
import { CardAction } from '../../cards/actions';
import { choicesCard, type ChoiceButton } from '../../cards/choices';
import type { UserContext } from '../../services/pim/model';
import type { DialogDeps } from '../deps';

export type FallbackKind = 'unknown' | 'otherLanguage' | 'noRoleNamed';

const TEXT: Record<FallbackKind, { title: string; text: string }> = {
  unknown: {
    title: "I'm not sure what you're asking",
    text: 'I can turn on a role you are eligible for ("I need Global Reader for an hour to check the audit logs"), show your roles and the time left, end a role early, or cancel a request that is waiting.',
  },
  noRoleNamed: {
    title: "That doesn't name one of your roles",
    text: 'I can turn on a role you are eligible for ("activate Global Reader for 1 hour"), show your roles and the time left, end a role early, or cancel a request that is waiting.',
  },
  otherLanguage: {
    title: 'I read English only',
    text: 'Sorry, I can only read messages in English. Write for example "I need Global Reader for 1 hour because …", or use a button.',
  },
};

const HINT: Record<FallbackKind, string> = {
  unknown: 'I didn\'t catch that. Say "activate" to pick a role, "my roles" to see your access, or "help".',
  noRoleNamed: 'Say "activate" to pick from your roles, "my roles" to see your access, or "help".',
  otherLanguage: 'I read English only. Say "activate" to pick a role, "my roles" to see your access, or "help".',
};

const BASE: readonly ChoiceButton[] = [
  { label: 'Activate a role', action: CardAction.activate },
  { label: 'My roles', action: CardAction.myRoles },
  { label: 'Help', action: CardAction.ask, question: 'help' },
];
const ADMIN: readonly ChoiceButton[] = [
  { label: 'Waiting for approval', action: CardAction.ask, question: 'what is waiting for me' },
  { label: 'Activity today', action: CardAction.ask, question: 'who is active right now' },
];

export async function sendFallback(context: TurnContext, deps: DialogDeps, user: UserContext, kind: FallbackKind): Promise<void> {
  // A failed request is a requester's; an unread question may be an admin's, worth one access check.
  const buttons = [...BASE, ...(kind !== 'noRoleNamed' && (await isAdmin(deps, user)) ? ADMIN : [])];
  // The hint goes as the message's text: a client that shows no cards still says what to type.
  await context.sendActivity(MessageFactory.attachment(choicesCard({ ...TEXT[kind], buttons }), HINT[kind]));
}

/** Admins get their questions as buttons; a failed check only costs the extras. */
async function isAdmin(deps: DialogDeps, user: UserContext): Promise<boolean> {
  if (!deps.admin) return false;
  try {
    return (await deps.admin.access(user)).kind !== 'none';
  } catch {
    return false;
  }
}
