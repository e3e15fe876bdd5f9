// What the Graph providers (Entra roles, PIM for Groups) share: the user's own delegated token, the
// filter for the user's open requests, and the optional parts of a schedule request body.

import type { UserTokenProvider } from '../../identity/tokenProvider';
import type { TicketInfo, UserContext } from '../model';
import type { GraphApi } from './graphApi';

export interface GraphProviderDeps {
  readonly graph: GraphApi;
  readonly tokens: UserTokenProvider;
  readonly now?: () => Date;
}

/** The user's delegated Graph token; `claims` answers a step-up (authentication context) challenge. */
export function delegatedGraphToken(tokens: UserTokenProvider, user: UserContext, claims?: string): Promise<string> {
  return tokens.getUserToken(claims ? { user, resource: 'graph', claims } : { user, resource: 'graph' });
}

/** filterByCurrentUser requests that may still be open (isOpenRequest narrows Granted to later starts). */
export const OPEN_REQUESTS_FILTER = "status eq 'PendingApproval' or status eq 'Granted' or status eq 'PendingAdminDecision'";

export function justificationAndTicket(justification: string | undefined, ticket: TicketInfo | undefined): object {
  const j = justification?.trim();
  return {
    ...(j ? { justification: j } : {}),
    ...(ticket ? { ticketInfo: { ticketNumber: ticket.number, ticketSystem: ticket.system ?? null } } : {}),
  };
}
