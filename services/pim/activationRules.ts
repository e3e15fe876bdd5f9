// Checks an activation against the role's policy before anything is sent, so a request PIM would
// refuse costs no upstream call and the user hears why at once.

import { PimError } from './errors';
import type { ActivationInput, Constraints } from './model';

export function checkActivation(input: ActivationInput, constraints: Constraints): void {
  const minutes = input.durationMinutes;
  if (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes <= 0) {
    throw new PimError('invalidInput', 'Duration must be a positive number of minutes');
  }
  if (minutes < constraints.minDurationMinutes) {
    throw new PimError('durationTooShort', 'Duration is under the minimum', { upstreamCode: 'ActiveDurationTooShort' });
  }
  // Report every rule the request breaks at once, named as PIM names them.
  const rules: string[] = [];
  if (minutes > constraints.maxDurationMinutes) rules.push('ExpirationRule');
  if (constraints.requiresJustification && !input.justification?.trim()) rules.push('JustificationRule');
  if (constraints.requiresTicket && !input.ticket?.number?.trim()) rules.push('TicketingRule');
  if (rules.length > 0) throw new PimError('policyViolation', 'Request breaks the role policy', { rules });
}
