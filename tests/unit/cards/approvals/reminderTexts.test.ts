// Reminders and the escalation name the request in words like the card: "Owner of SRE On-Call",
// "Contributor on Contoso Prod", not the bare role name ("Owner", "Contributor").
import assert from 'node:assert/strict';
import {
  approverReminderText,
  escalationChannelText,
  escalationRequesterText,
  requesterWarningText,
} from '../../../../cards/approvals/reminderTexts';
import type { ApprovalRecord } from '../../../../services/approvals/record';

const T0 = new Date('2025-03-03T10:00:00Z');
const bob = { id: 'bob', displayName: 'Bob Brown' };
const dave = { id: 'dave', displayName: 'Dave Diaz' };

function record(surface: ApprovalRecord['surface'], roleName: string, scopeId: string, scopeName: string): ApprovalRecord {
  return {
    surface,
    requestId: 'req-1',
    requester: { id: 'alice', displayName: 'Alice Adams' },
    approvers: [bob, dave],
    request: {
      roleId: 'r',
      roleName,
      scopeId,
      scopeName,
      startDateTime: T0.toISOString(),
      endDateTime: T0.toISOString(),
      createdDateTime: T0.toISOString(),
      justification: null,
      ticket: null,
    },
    recentActivations: [],
    createdAt: T0.toISOString(),
    expiresAt: new Date(T0.getTime() + 24 * 3600_000).toISOString(),
    copies: [],
    approversRemindedAt: new Date(T0.getTime() + 3600_000).toISOString(),
  };
}
const group = record('group', 'Owner', 'g1', 'SRE On-Call');
const azure = record('azureResource', 'Contributor', '/subscriptions/s1', 'Contoso Prod');
const entra = record('entraRole', 'User Administrator', '/', 'Directory');

describe('reminder and escalation texts', () => {
  it('the approver reminder and the requester warning name the request in words', () => {
    assert.equal(
      approverReminderText(group),
      "Reminder: Alice Adams's request for Owner of SRE On-Call is still waiting for a decision. The card is above; PIM drops the request after 24 hours.",
    );
    assert.match(approverReminderText(azure), /Alice Adams's request for Contributor on Contoso Prod is still waiting/);
    assert.match(approverReminderText(entra), /Alice Adams's request for User Administrator is still waiting/);
    assert.equal(
      requesterWarningText(azure),
      'Nobody has decided on your request for Contributor on Contoso Prod yet, and PIM drops it at 10:00 UTC. You may want to ask an approver directly.',
    );
    assert.match(requesterWarningText(group), /your request for Owner of SRE On-Call yet/);
  });

  it('the escalation (channel and requester) names the request in words and who was reminded', () => {
    assert.equal(
      escalationChannelText(group, [bob, dave]),
      "⏰ Escalation: Alice Adams's request for Owner of SRE On-Call is still waiting for a decision. Bob Brown and Dave Diaz were reminded at 11:00 UTC; PIM drops the request at 10:00 UTC. Any of Bob Brown and Dave Diaz can decide on the card in this channel.",
    );
    assert.match(
      escalationChannelText(azure, []),
      /request for Contributor on Contoso Prod is still waiting for a decision\. No approver could be reminded in a chat;/,
    );
    assert.equal(
      escalationRequesterText(azure, [bob], true),
      "Your request for Contributor on Contoso Prod is still waiting. I reminded Bob Brown at 11:00 UTC and have now raised it in the approvers' channel. PIM drops it at 10:00 UTC if nobody decides; you may want to contact them directly.",
    );
    assert.match(
      escalationRequesterText(group, [], false),
      /^Your request for Owner of SRE On-Call is still waiting\. I could not remind Bob Brown or Dave Diaz in a chat\. PIM drops/,
    );
  });
});
