// The slice of an eligibility a dialog keeps in its state between turns. Plain JSON on purpose:
// dialog state goes to blob storage and must read back identically on another instance.
import type { RoleView } from '../cards/views';
import type { Constraints, EligibilityWithConstraints } from '../services/pim/model';

export interface RoleChoice extends RoleView {
  readonly surface: string;
}

export function toRoleChoice({ eligibility, constraints }: EligibilityWithConstraints): RoleChoice {
  return {
    key: eligibility.key,
    surface: eligibility.surface,
    roleName: eligibility.roleName,
    scopeName: eligibility.scope.displayName,
    constraints: plainConstraints(constraints),
  };
}

function plainConstraints(c: Constraints): Constraints {
  return {
    maxDurationMinutes: c.maxDurationMinutes,
    minDurationMinutes: c.minDurationMinutes,
    requiresJustification: c.requiresJustification,
    requiresTicket: c.requiresTicket,
    requiresMfa: c.requiresMfa,
    authenticationContext: c.authenticationContext,
    requiresApproval: c.requiresApproval,
    approvers: c.approvers.map((a) => ({ ...a })),
  };
}
