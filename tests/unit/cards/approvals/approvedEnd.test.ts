// After an approval the requester's card and message agree, and both give the end time
// (PIM runs an approved activation from the approval for the requested length).
import assert from 'node:assert/strict';
import { approvalRecord } from '../../../../services/approvals/newRecord';
import { outcomeMessage, requesterCard } from '../../../../cards/approvals/approvalCards';
import { timeFormatter } from '../../../../cards/localTime';
import { DEMO_USERS } from '../../../../emulator/tenant/demoTenant';
import type { ActivationRequest } from '../../../../services/pim/model';
import { cardText, NOW } from '../../../support/botHarness';

const request: ActivationRequest = {
  id: 'req-1',
  surface: 'entraRole',
  status: 'pendingApproval',
  roleId: 'r',
  roleName: 'User Administrator',
  scope: { id: '/', displayName: 'Directory', kind: 'directory' },
  principalId: DEMO_USERS.alice.id,
  startDateTime: NOW,
  endDateTime: new Date(NOW.getTime() + 2 * 3_600_000),
  createdDateTime: NOW,
  justification: 'x',
  ticket: null,
};

describe('the requester after an approval', () => {
  it('card and message both say it is active, until the same end: the approval time plus the requested length', () => {
    const record = approvalRecord({
      user: { userId: DEMO_USERS.alice.id, tenantId: 't', displayName: 'Alice Adams' },
      request,
      approvers: [{ id: DEMO_USERS.bob.id, displayName: 'Bob Brown' }],
      recent: [],
      now: NOW,
    });
    // Approved 30 minutes after the request: it runs 2 hours from then, until 12:32.
    const decided = {
      ...record,
      decision: {
        outcome: 'approved' as const,
        by: { id: DEMO_USERS.bob.id, displayName: 'Bob Brown' },
        at: new Date(NOW.getTime() + 30 * 60_000).toISOString(),
        justification: '',
        via: 'bot' as const,
      },
    };
    const card = cardText({ attachments: [requesterCard(decided, decided.copies[0]!)] });
    assert.match(
      card,
      /User Administrator is active for you until \{\{DATE\(2025-03-03T12:32:00Z, SHORT\)\}\} \{\{TIME\(2025-03-03T12:32:00Z\)\}\}/,
    );
    assert.doesNotMatch(card, /Expires/, "the request's 24-hour expiry would read like the access's end");
    assert.match(cardText({ attachments: [requesterCard(record, record.copies[0]!)] }), /Expires/, 'while it waits, it says so');
    const message = outcomeMessage(decided);
    assert.match(message, /Bob Brown approved your request for User Administrator\. It is active now, until 2025-03-03 12:32 UTC\./);
    assert.doesNotMatch(message, /my roles/);
    // Sent to someone whose zone the bot knows, the same end in their own time.
    const inTokyo = outcomeMessage(decided, timeFormatter('Asia/Tokyo'));
    assert.match(inTokyo, /It is active now, until Mon, Mar 3, 2025 9:32\sPM\./);
    assert.doesNotMatch(inTokyo, /UTC/);
  });
});
