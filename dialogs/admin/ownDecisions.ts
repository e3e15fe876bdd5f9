// "What did I approve this week" from an approver who is not an administrator: the directory audit log
// is not theirs to read, so the answer comes from what is theirs, the decisions they made through the
// bot (or PIM recorded as theirs and the bot saw), and says so. Never anyone else's decisions.
import { verificationPhrase } from '../../cards/approvals/approverStepUp';
import type { ActivityEntry } from '../../services/admin/model';
import type { DecidedEntry } from '../../services/approvals/decidedBy';
import type { Surface, UserContext } from '../../services/pim/model';

export const OWN_DECISIONS_NOTE =
  "From the approvals you decided through this bot (PIM's audit log, which also has decisions made in the portal, is for administrators).";

const DECIDED_ROLE_NAME: Readonly<Record<Surface, (d: DecidedEntry) => string>> = {
  entraRole: (d) => d.roleName,
  group: (d) => `${d.scopeName} (${d.roleName.toLowerCase()})`,
  azureResource: (d) => `${d.roleName} on ${d.scopeName}`,
};

/** One of the asker's decisions as a history entry, worded like the audit's ("You approved Alice Adams's request for …"). */
export function ownDecisionEntry(d: DecidedEntry, user: UserContext): ActivityEntry {
  const roleName = DECIDED_ROLE_NAME[d.surface](d);
  return {
    at: new Date(d.at),
    kind: d.outcome === 'approved' ? 'approval' : 'denial',
    description: `${d.outcome === 'approved' ? 'Approved' : 'Denied'} through the bot${verificationPhrase(d.verifiedBy)}`,
    actor: { id: user.userId, displayName: user.displayName ?? 'You', kind: 'user' },
    subject: { id: d.requesterId, displayName: d.requesterName ?? '', kind: 'user' },
    roleName,
    surface: d.surface,
    result: 'success',
    requestId: d.requestId,
    justification: d.reason || null,
    source: 'bot',
  };
}
