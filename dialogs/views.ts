// Cards that show the user's PIM data outside a flow: the welcome and "my access" (what is active
// with the time left, what is waiting, what can be activated).
import { MessageFactory, TurnContext } from 'botbuilder';
import { accessName, cardDateTime, startsLater, zonedDateTime } from '../cards/format';
import { myRolesCard, welcomeCard, type PendingView } from '../cards/views';
import type { ActivationRequest, UserContext } from '../services/pim/model';
import { sendFailure } from './failure';
import type { DialogDeps } from './deps';
import { byRecent } from './recent';
import { toRoleChoices, type RoleChoice } from './roleChoice';

export async function sendWelcome(context: TurnContext, deps: DialogDeps, user: UserContext): Promise<void> {
  try {
    const roles = await recentChoices(context, deps, user);
    await context.sendActivity(MessageFactory.attachment(welcomeCard({ displayName: user.displayName, roles })));
  } catch (error) {
    await sendFailure(context, deps, error);
  }
}

export async function sendMyRoles(context: TurnContext, deps: DialogDeps, user: UserContext): Promise<void> {
  try {
    const [active, eligible, requests] = await Promise.all([
      deps.pim.listActive(user),
      recentChoices(context, deps, user),
      deps.pim.listRequests(user).catch(() => [] as ActivationRequest[]),
    ]);
    const now = deps.now();
    const current = active.filter((a) => a.endDateTime === null || a.endDateTime.getTime() > now.getTime());
    const activeKeys = new Set(current.map((a) => a.key));
    const labels = new Map(eligible.map((c) => [c.key, c.label]));
    // A role that is already on can't be activated again (PIM answers RoleAssignmentExists).
    const activatable = eligible.filter((r) => !activeKeys.has(r.key));
    const pending = requests.map((r) => pendingView(r, labels, now));
    await context.sendActivity(MessageFactory.attachment(myRolesCard({ active: current, eligible: activatable, now, requests: pending, labels })));
    deps.reminders?.track(TurnContext.getConversationReference(context.activity), user, current, Object.fromEntries(labels));
  } catch (error) {
    await sendFailure(context, deps, error);
  }
}

export async function recentChoices(context: TurnContext, deps: DialogDeps, user: UserContext): Promise<RoleChoice[]> {
  const [list, recent] = await Promise.all([deps.pim.listEligibilities(user), deps.recent?.get(context) ?? Promise.resolve([])]);
  return byRecent(toRoleChoices(list), recent);
}

function pendingView(request: ActivationRequest, labels: ReadonlyMap<string, string>, now: Date): PendingView {
  const label = (request.key && labels.get(request.key)) || (request.scope.kind === 'directory' || request.surface === 'group' ? accessName(request) : `${request.roleName} on ${request.scope.displayName}`);
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
