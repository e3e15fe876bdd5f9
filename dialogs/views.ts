// Cards that show the user's PIM data outside a flow: the welcome and "my access" (what is active
// with the time left, what is waiting, what can be activated).
import { MessageFactory, TurnContext } from 'botbuilder';
import { accessName, cardDateTime, cardTime, startsLater, zonedDateTime } from '../cards/format';
import { noticeCard } from '../cards/heldViews';
import { myRolesCard, welcomeCard, type PendingView } from '../cards/views';
import { eligibilityKey, type ActivationRequest, type UserContext } from '../services/pim/model';
import { comparableTarget } from '../services/pim/pendingActivation';
import { sendFailure } from './failure';
import type { DialogDeps, WaitingItem } from './deps';
import { byRecent } from './recent';
import { toRoleChoices, type RoleChoice } from './roleChoice';

/** The welcome fits the person: an approver sees what waits for them, an administrator the questions they can ask. */
export async function sendWelcome(context: TurnContext, deps: DialogDeps, user: UserContext): Promise<void> {
  try {
    const [roles, waiting, isAdmin] = await Promise.all([
      recentChoices(context, deps, user),
      waitingFor(deps, user),
      isPimAdmin(deps, user),
    ]);
    await context.sendActivity(
      MessageFactory.attachment(
        welcomeCard({ displayName: user.displayName, roles, waiting: waiting.map((w) => ({ line: waitingLine(w) })), isAdmin }),
      ),
    );
  } catch (error) {
    await sendFailure(context, deps, error);
  }
}

/** The requests waiting for the user's decision, each with who asks for what and since when. */
export async function sendApproverQueue(context: TurnContext, deps: DialogDeps, user: UserContext): Promise<void> {
  const waiting = await waitingFor(deps, user);
  if (waiting.length === 0) {
    await context.sendActivity(
      MessageFactory.attachment(
        noticeCard({
          title: 'Nothing is waiting for your approval',
          text: 'When someone asks for a role you approve, its card arrives in this chat.',
        }),
      ),
    );
    return;
  }
  const shown = waiting.slice(0, MAX_WAITING_LISTED);
  const more = waiting.length - shown.length;
  await context.sendActivity(
    MessageFactory.attachment(
      noticeCard({
        title: waiting.length === 1 ? '1 request is waiting for your approval' : `${waiting.length} requests are waiting for your approval`,
        text: `${shown.map(waitingLine).join('. ')}.${more > 0 ? ` And ${more} more.` : ''}`,
        hint: "Approve or deny each on its card in this chat; every approver's copy then shows the outcome.",
      }),
    ),
  );
}

const MAX_WAITING_LISTED = 10;

function waitingLine(w: WaitingItem): string {
  const where = w.scopeName && w.scopeName !== 'Directory' ? ` on ${w.scopeName}` : '';
  return `${w.requesterName} asks for ${w.roleName}${where}, since ${cardTime(new Date(w.since))}`;
}

async function waitingFor(deps: DialogDeps, user: UserContext): Promise<readonly WaitingItem[]> {
  if (!deps.approverWaiting) return [];
  try {
    return await deps.approverWaiting.waitingFor(user);
  } catch (error) {
    deps.logger.warn('could not read what waits for an approver', { error: (error as Error)?.name });
    return [];
  }
}

/** True when the user may ask the administrators' questions; a failed check reads as no. */
export async function isPimAdmin(deps: DialogDeps, user: UserContext): Promise<boolean> {
  if (!deps.admin) return false;
  try {
    return (await deps.admin.access(user)).kind !== 'none';
  } catch {
    return false;
  }
}

/** How old a listing of the user's open requests "my roles" accepts (the eligibility cache's lifetime). */
export const MY_ROLES_REQUESTS_MAX_AGE_MS = 60_000;

export async function sendMyRoles(context: TurnContext, deps: DialogDeps, user: UserContext): Promise<void> {
  try {
    const [active, eligible, requests] = await Promise.all([
      deps.pim.listActive(user),
      recentChoices(context, deps, user),
      // A listing from the last minute will do (the check before asking reads it fresh, and the
      // user's own requests and cancels drop it): a warm "my roles" is then the active reads only.
      deps.pim.listRequests(user, undefined, { maxAgeMs: MY_ROLES_REQUESTS_MAX_AGE_MS }).catch(() => [] as ActivationRequest[]),
    ]);
    const now = deps.now();
    const current = active.filter((a) => a.endDateTime === null || a.endDateTime.getTime() > now.getTime());
    const activeKeys = new Set(current.map((a) => a.key));
    const labels = new Map(eligible.map((c) => [c.key, c.label]));
    // A role that is already on can't be activated again (PIM answers RoleAssignmentExists).
    const activatable = eligible.filter((r) => !activeKeys.has(r.key));
    // A recent listing may still show as waiting what has since been approved and is active now.
    const activeTargets = new Set(current.map((a) => comparableTarget(a.key)));
    const superseded = (r: ActivationRequest) =>
      (r.action ?? 'activate') === 'activate' &&
      r.status === 'pendingApproval' &&
      activeTargets.has(comparableTarget(r.key ?? eligibilityKey(r.surface, r.scope.id, r.roleId)));
    const pending = requests.filter((r) => !superseded(r)).map((r) => pendingView(r, labels, now));
    await context.sendActivity(
      MessageFactory.attachment(myRolesCard({ active: current, eligible: activatable, now, requests: pending, labels })),
    );
    deps.reminders.track(TurnContext.getConversationReference(context.activity), user, current, Object.fromEntries(labels));
  } catch (error) {
    await sendFailure(context, deps, error);
  }
}

export async function recentChoices(context: TurnContext, deps: DialogDeps, user: UserContext): Promise<RoleChoice[]> {
  const [list, recent] = await Promise.all([deps.pim.listEligibilities(user), deps.recent.get(context)]);
  return byRecent(toRoleChoices(list), recent);
}

function pendingView(request: ActivationRequest, labels: ReadonlyMap<string, string>, now: Date): PendingView {
  const label =
    (request.key && labels.get(request.key)) ||
    (request.scope.kind === 'directory' || request.surface === 'group'
      ? accessName(request)
      : `${request.roleName} on ${request.scope.displayName}`);
  const later = startsLater(request.startDateTime, now);
  const window = `starts ${zonedDateTime(request.startDateTime)}, ends ${zonedDateTime(request.endDateTime)}`;
  const state =
    request.status === 'pendingApproval'
      ? `Waiting for approval since ${cardDateTime(request.createdDateTime)}${later ? `; if approved it ${window}` : ''}`
      : later
        ? `Scheduled: ${window}`
        : 'Waiting for PIM';
  return { id: request.id, surface: request.surface, label, state };
}
