// Acting on what the user already has: deactivate early, cancel a waiting request (extending is a
// dialog of its own, extendDialog.ts, as it asks for a duration). Card data names the item by key or request id only; each is checked against the user's
// own current PIM data before anything is sent.
import { MessageFactory, type TurnContext } from 'botbuilder';
import { CardAction } from '../cards/actions';
import { cardTime } from '../cards/format';
import { noticeCard, type NoticeAction } from '../cards/heldViews';
import { infoCard, MIN_MINUTES_BEFORE_DEACTIVATION } from '../cards/views';
import type { UserContext } from '../services/pim/model';
import { isSurface } from '../services/pim/surfaces';
import type { DialogDeps } from './deps';
import { describeLifecycleFailure } from './errorMessages';
import { matchName } from './parsing/resolve';
import { recentChoices } from './views';

const MAX_ID_LENGTH = 1024;

export async function deactivate(context: TurnContext, deps: DialogDeps, user: UserContext, activeKey: string | undefined): Promise<void> {
  const active = await findActive(context, deps, user, activeKey);
  if (!active) return;
  const label = active.label;
  const started = active.assignment.startDateTime;
  const now = deps.now();
  if (active.assignment.assignmentType !== 'activated') {
    await say(
      context,
      `${label} is a standing assignment`,
      "It wasn't activated through PIM, so it can't be deactivated here.",
      'Ask your PIM administrator to change it.',
      'warning',
    );
    return;
  }
  // PIM refuses in the first 5 minutes; say so (and when it will work) instead of asking it.
  if (started && now.getTime() - started.getTime() < MIN_MINUTES_BEFORE_DEACTIVATION * 60_000) {
    const from = new Date(started.getTime() + MIN_MINUTES_BEFORE_DEACTIVATION * 60_000);
    await say(
      context,
      `${label} can't be deactivated yet`,
      `PIM doesn't let an activation end in its first ${MIN_MINUTES_BEFORE_DEACTIVATION} minutes.`,
      `Try again from ${cardTime(from)}; it stays active until then.`,
      'warning',
    );
    return;
  }
  try {
    await deps.pim.deactivate(user, active.assignment.key);
    await say(
      context,
      `${label} is deactivated`,
      'Your access has ended. Nothing else changed.',
      'Say "activate" when you need it again.',
      'success',
    );
  } catch (error) {
    await sayFailure(context, deps, describeLifecycleFailure(error, 'deactivate', label), error);
  }
}

export async function cancelRequest(
  context: TurnContext,
  deps: DialogDeps,
  user: UserContext,
  surface: unknown,
  requestId: unknown,
): Promise<void> {
  if (typeof requestId !== 'string' || requestId === '' || requestId.length > MAX_ID_LENGTH || !isSurface(surface)) {
    await say(
      context,
      "I can't tell which request that was",
      'That card did not name a request of yours.',
      'Say "my roles" for a fresh card.',
      'error',
    );
    return;
  }
  try {
    const mine = (await deps.pim.listRequests(user)).find((r) => r.id.toLowerCase() === requestId.toLowerCase() && r.surface === surface);
    if (!mine) {
      await say(
        context,
        "That request can't be cancelled any more",
        'It is not among your waiting requests: it was already decided, has started, or was cancelled.',
        'Say "my roles" to see where things stand.',
        'warning',
      );
      return;
    }
    await deps.pim.cancel(user, { surface: mine.surface, id: mine.id });
    // Its approvers' cards (and the record the welcome counts from) follow at once; the sweep would too, later.
    await deps.approvals
      ?.cancelledAtPim?.(mine.surface, mine.id)
      .catch((e: unknown) => deps.logger.warn("could not bring a cancelled request's cards up to date", { error: (e as Error)?.name }));
    await say(
      context,
      `Request for ${mine.roleName} cancelled`,
      'Nothing will be activated from it.',
      'Say "activate" to ask again.',
      'success',
    );
  } catch (error) {
    await sayFailure(context, deps, describeLifecycleFailure(error, 'cancel', 'the request'), error);
  }
}

/** The user's active assignment under `key` (or the one a typed name means), its label and its policy when eligible; says why when none. */
export async function findActive(context: TurnContext, deps: DialogDeps, user: UserContext, keyOrName: string | undefined) {
  try {
    const [active, choices] = await Promise.all([deps.pim.listActive(user), recentChoices(context, deps, user)]);
    const now = deps.now();
    const current = active.filter((a) => a.endDateTime === null || a.endDateTime.getTime() > now.getTime());
    const labelOf = (key: string, fallback: string) => choices.find((c) => c.key === key)?.label ?? fallback;
    let found = typeof keyOrName === 'string' && keyOrName.length <= MAX_ID_LENGTH ? current.find((a) => a.key === keyOrName) : undefined;
    if (!found && keyOrName && !keyOrName.includes('|')) {
      const named = current.map((a) => ({
        key: a.key,
        name: a.surface === 'group' ? a.scope.displayName : a.roleName,
        roleName: a.roleName,
        scopeName: a.scope.displayName,
        a,
      }));
      const match = matchName(keyOrName, named);
      if (match.kind === 'one') found = match.choice.a;
      else if (match.kind === 'many') {
        await say(
          context,
          `More than one active role matches "${keyOrName.slice(0, 60)}"`,
          match.choices.map((c) => labelOf(c.key, c.roleName)).join('; '),
          'Say "my roles" and use the button next to the one you mean.',
          'warning',
        );
        return undefined;
      }
    }
    if (!found) {
      // Never a dead end: what they named can be activated, or at least something can.
      const eligible = keyOrName && !keyOrName.includes('|') ? matchName(keyOrName, choices) : undefined;
      const offer: NoticeAction =
        eligible?.kind === 'one'
          ? { title: `Activate ${eligible.choice.label}`, data: { action: CardAction.pickRole, eligibilityKey: eligible.choice.key } }
          : { title: 'Activate a role', data: { action: CardAction.activate } };
      await context.sendActivity(
        MessageFactory.attachment(
          noticeCard({
            title: "That isn't active for you",
            text: 'I found nothing active under that name; it may have ended already, so there is nothing to deactivate or extend.',
            hint: 'Activate it for as long as you need, within its policy.',
            actions: [offer, { title: 'My roles', data: { action: CardAction.myRoles } }],
          }),
        ),
      );
      return undefined;
    }
    const constraints = choices.find((c) => c.key === found!.key)?.constraints;
    return { assignment: found, label: labelOf(found.key, found.roleName), ...(constraints ? { constraints } : {}) };
  } catch (error) {
    await sayFailure(context, deps, describeLifecycleFailure(error, 'deactivate', 'your access'), error);
    return undefined;
  }
}

export async function say(
  context: TurnContext,
  title: string,
  text: string,
  hint: string,
  tone: 'success' | 'warning' | 'error',
): Promise<void> {
  await context.sendActivity(MessageFactory.attachment(infoCard({ title, text, hint, tone })));
}

export async function sayFailure(
  context: TurnContext,
  deps: DialogDeps,
  message: { title: string; text: string; hint: string },
  error: unknown,
): Promise<void> {
  deps.logger.warn('PIM lifecycle call failed', { kind: (error as { kind?: unknown })?.kind });
  await context.sendActivity(MessageFactory.attachment(infoCard({ ...message, tone: 'error' })));
}
