// Cards that show the user's PIM data outside a flow: the welcome and "my roles".
import { MessageFactory, type TurnContext } from 'botbuilder';
import { myRolesCard, welcomeCard } from '../cards/views';
import type { UserContext } from '../services/pim/model';
import { sendFailure } from './failure';
import type { DialogDeps } from './deps';
import { toRoleChoice } from './roleChoice';

export async function sendWelcome(context: TurnContext, deps: DialogDeps, user: UserContext): Promise<void> {
  try {
    const roles = (await deps.pim.listEligibilities(user)).map(toRoleChoice);
    await context.sendActivity(MessageFactory.attachment(welcomeCard({ displayName: user.displayName, roles })));
  } catch (error) {
    await sendFailure(context, deps, error);
  }
}

export async function sendMyRoles(context: TurnContext, deps: DialogDeps, user: UserContext): Promise<void> {
  try {
    const [active, eligible] = await Promise.all([deps.pim.listActive(user), deps.pim.listEligibilities(user)]);
    const now = deps.now();
    const current = active.filter((a) => a.endDateTime === null || a.endDateTime.getTime() > now.getTime());
    const activeKeys = new Set(current.map((a) => a.key));
    // A role that is already on can't be activated again (PIM answers RoleAssignmentExists).
    const activatable = eligible.map(toRoleChoice).filter((r) => !activeKeys.has(r.key));
    await context.sendActivity(MessageFactory.attachment(myRolesCard({ active: current, eligible: activatable, now })));
  } catch (error) {
    await sendFailure(context, deps, error);
  }
}
