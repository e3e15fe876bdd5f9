// "What's waiting for me?": the requests the asker may decide, each as its approval card, oldest first.
// Any approver may ask (PIM's approver views read with their own token decide what they see); "pending
// approvals" from someone who is not a PIM administrator means the same, while an administrator asking
// that gets the tenant-wide list (dialogs/admin). "For me", "my", "to approve" always mean the queue.
import { MessageFactory, type Activity, type TurnContext } from 'botbuilder';
import { parseAdminQuestion } from '../admin/grammar';
import type { DialogDeps } from '../deps';
import { sendFailure } from '../failure';
import { parseCommand } from '../parsing/command';
import type { MessageInput } from '../input';
import type { Surface, UserContext } from '../../services/pim/model';
import { isApproverQueueQuestion } from './queuePhrases';

/** More cards than this in one answer bury the chat; the rest come on the next ask, once these are decided. */
export const MAX_QUEUE_CARDS = 10;

const SURFACE_NAMES: Readonly<Record<Surface, string>> = {
  entraRole: 'Microsoft Entra roles',
  group: 'PIM groups',
  azureResource: 'Azure resource roles',
};

/** True when the turn asked for the queue and was answered. */
export async function answerApproverQueue(
  context: TurnContext,
  deps: DialogDeps,
  user: UserContext,
  input: MessageInput,
): Promise<boolean> {
  if (!deps.approvals?.approverQueue || input.action !== undefined || input.text === '') return false;
  if (!isApproverQueueQuestion(input.text) && !(await plainPendingFromNonAdmin(deps, user, input.text))) return false;
  return sendApproverQueueCards(context, deps, user);
}

/** The queue as PIM's approver views show it, each request as its card; false when the bot has no approvals wired. */
export async function sendApproverQueueCards(context: TurnContext, deps: DialogDeps, user: UserContext): Promise<boolean> {
  const queue = deps.approvals?.approverQueue?.bind(deps.approvals);
  if (!queue) return false;
  try {
    const { items, unreadable } = await queue(user);
    const cards = items.filter((i) => i.card !== undefined).slice(0, MAX_QUEUE_CARDS);
    const notYet = items.filter((i) => i.card === undefined).length;
    const replies: Array<Partial<Activity>> = [MessageFactory.text(summary(items.length, cards.length, notYet))];
    for (const item of cards) replies.push(MessageFactory.attachment(item.card!));
    if (unreadable.length > 0)
      replies.push(
        MessageFactory.text(
          `I could not read your approvals for ${unreadable.map((s) => SURFACE_NAMES[s]).join(' and ')} just now; ask again in a moment.`,
        ),
      );
    await context.sendActivities(replies);
  } catch (error) {
    await sendFailure(context, deps, error);
  }
  return true;
}

function summary(total: number, shown: number, notYet: number): string {
  if (total === 0) return 'Nothing is waiting for your decision right now.';
  const head = total === 1 ? 'One request is waiting for your decision:' : `${total} requests are waiting for your decision, oldest first:`;
  const more = total - notYet > shown ? ` Here are the first ${shown}; ask again once you have decided them.` : '';
  const later = notYet > 0 ? ` ${notYet === 1 ? 'One is' : `${notYet} are`} still being set up; its card reaches you within a minute.` : '';
  return `${head}${more}${later}`;
}

/** "pending approvals" (the admin grammar's tenant-wide question, without a duration) from someone who is not a PIM administrator. */
async function plainPendingFromNonAdmin(deps: DialogDeps, user: UserContext, text: string): Promise<boolean> {
  // The requester's own words ("pending" = my requests) stay theirs.
  const command = parseCommand(text).kind;
  if (command === 'welcome' || command === 'myRoles' || command === 'cancel') return false;
  const parse = parseAdminQuestion(text);
  if (parse?.intent !== 'pending' || Object.keys(parse.slots).length > 0) return false;
  if (!deps.admin) return true;
  try {
    return (await deps.admin.access(user)).kind === 'none';
  } catch {
    // Rights unknown: the admin answer says what it can.
    return false;
  }
}
