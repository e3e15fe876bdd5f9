// Where each understood intent leads: one small table, so a new answer (the approver queue, a new admin
// answer) is one line to change. Every entry answers; none says "not yet".
import { MessageFactory, type TurnContext } from 'botbuilder';
import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { CardAction } from '../../cards/actions';
import { choicesCard } from '../../cards/choices';
import { plainMessage } from '../../cards/plainText';
import { turnTimes } from '../localTimes';
import type { UserContext } from '../../services/pim/model';
import { ACTIVATE_DIALOG, type ActivateOptions } from '../activateDialog';
import { answerAdminQuestion } from '../admin/adminQuestions';
import { sendApproverQueueCards } from '../approvals/approverQueue';
import type { Parse } from '../admin/grammar';
import type { DialogDeps } from '../deps';
import { EXTEND_DIALOG, explainExtend, type ExtendOptions } from '../extendDialog';
import { sendFailure } from '../failure';
import type { MessageInput } from '../input';
import { cancelRequest, deactivate, say } from '../lifecycle';
import { TOO_LONG_FOR_A_COMMAND } from '../parsing/limits';
import { matchName } from '../parsing/resolve';
import { sendMyRoles, sendWelcome } from '../views';
import { sendFallback } from './fallback';
import type { Intent, Reading } from './understand';

export interface RouteContext {
  readonly step: WaterfallStepContext;
  readonly deps: DialogDeps;
  readonly user: UserContext;
  readonly input: MessageInput;
  readonly reading: Reading;
}

type Route = (r: RouteContext) => Promise<DialogTurnResult>;

/** What "what is waiting for me" means to an admin when the bot has no approvals wired: the tenant-wide pending list. */
export const APPROVER_QUEUE_QUESTION: Parse = { intent: 'pending', slots: {} };

const done = async (r: RouteContext, send: (context: TurnContext) => Promise<unknown>): Promise<DialogTurnResult> => {
  await send(r.step.context);
  return r.step.endDialog();
};

export const ROUTES: Readonly<Record<Intent, Route>> = {
  help: (r) => done(r, (c) => sendWelcome(c, r.deps, r.user)),
  thanks: (r) => done(r, (c) => c.sendActivity('You\'re welcome. Say "my roles" any time to see your access.')),
  activate: (r) => {
    const { rest, explicit, verb } = r.reading;
    if (rest === '' && !explicit) return done(r, (c) => sendFallback(c, r.deps, r.user, 'unknown'));
    if (rest === '') return r.step.beginDialog(ACTIVATE_DIALOG, {} satisfies ActivateOptions);
    const said = !explicit ? 'none' : verb ? 'verb' : 'phrase';
    return r.step.beginDialog(ACTIVATE_DIALOG, { roleName: rest, said } satisfies ActivateOptions);
  },
  deactivate: (r) => done(r, (c) => (r.reading.rest ? deactivate(c, r.deps, r.user, r.reading.rest) : sendMyRoles(c, r.deps, r.user))),
  extend: (r) =>
    r.reading.rest
      ? r.step.beginDialog(EXTEND_DIALOG, { sentence: r.reading.rest } satisfies ExtendOptions)
      : done(r, (c) => explainExtend(c, r.deps, r.user)),
  cancelRequest: (r) => done(r, (c) => cancelNamedRequest(c, r.deps, r.user, r.reading.rest)),
  myRoles: (r) => done(r, (c) => sendMyRoles(c, r.deps, r.user)),
  eligibleRoles: (r) => r.step.beginDialog(ACTIVATE_DIALOG, {} satisfies ActivateOptions),
  approverQueue: (r) => done(r, (c) => approverQueue(c, r.deps, r.user, r.input)),
  adminQuestion: (r) =>
    done(r, async (c) => {
      if (!(await answerAdminQuestion(c, r.deps, r.user, r.input, r.reading.admin))) await sendFallback(c, r.deps, r.user, 'unknown');
    }),
  cancel: (r) => done(r, (c) => c.sendActivity('There is nothing to cancel.')),
  tooLong: (r) => done(r, (c) => c.sendActivity(TOO_LONG_FOR_A_COMMAND)),
  otherLanguage: (r) => done(r, (c) => sendFallback(c, r.deps, r.user, 'otherLanguage')),
  unknown: (r) => done(r, (c) => sendFallback(c, r.deps, r.user, 'unknown')),
};

/**
 * An admin sees every request waiting for approval (the admin answer); anyone else is told where
 * their approvals arrive and offered their own waiting requests.
 */
async function approverQueue(context: TurnContext, deps: DialogDeps, user: UserContext, input: MessageInput): Promise<void> {
  // PIM's approver views, read with the asker's own token: every request they may decide, each card decidable.
  if (await sendApproverQueueCards(context, deps, user)) return;
  if (deps.admin) {
    let admin = false;
    try {
      admin = (await deps.admin.access(user)).kind !== 'none';
    } catch {
      admin = false;
    }
    if (admin && (await answerAdminQuestion(context, deps, user, input, APPROVER_QUEUE_QUESTION))) return;
  }
  await context.sendActivity(
    MessageFactory.attachment(
      choicesCard({
        title: 'Requests for your approval come here as cards',
        text: 'When someone asks for a role you approve, I post a card in this chat with Approve and Deny, and update it when anyone decides. Your own waiting requests are under My roles.',
        buttons: [
          { label: 'My roles', action: CardAction.myRoles },
          { label: 'Help', action: CardAction.ask, question: 'help' },
        ],
      }),
    ),
  );
}

/** "cancel my request for user admin": the one waiting request it names (or the only one) is cancelled; otherwise the list to choose from. */
async function cancelNamedRequest(context: TurnContext, deps: DialogDeps, user: UserContext, said: string): Promise<void> {
  let waiting;
  try {
    waiting = await deps.pim.listRequests(user);
  } catch (error) {
    await sendFailure(context, deps, error);
    return;
  }
  if (waiting.length === 0) {
    await say(
      context,
      'Nothing is waiting',
      'You have no request waiting for approval, so there is nothing to cancel.',
      'Say "my roles" to see your access.',
      'warning',
    );
    return;
  }
  const named = waiting.map((r) => ({
    key: `${r.surface}|${r.id}`,
    name: r.roleName,
    roleName: r.roleName,
    scopeName: r.scope.displayName,
    request: r,
  }));
  const found = said === '' ? (named.length === 1 ? { kind: 'one' as const, choice: named[0]! } : undefined) : matchName(said, named);
  if (found?.kind === 'one') {
    await cancelRequest(context, deps, user, found.choice.request.surface, found.choice.request.id);
    return;
  }
  const why = said === '' ? 'You have more than one request waiting.' : `No single waiting request matches "${said.slice(0, 60)}".`;
  await context.sendActivity(plainMessage(`${why} Use Cancel next to the one you mean:`, turnTimes(context)));
  await sendMyRoles(context, deps, user);
}
