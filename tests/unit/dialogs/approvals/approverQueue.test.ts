// The approver queue's routing through the MainDialog, with a faked approval flow and admin service:
// the queue's phrasings reach the queue for anyone; "pending approvals" reaches it for someone who is
// not a PIM administrator, while an administrator still gets the tenant-wide answer.
import assert from 'node:assert/strict';
import { CardFactory } from 'botbuilder';
import sinon from 'sinon';
import { DEMO_USERS } from '../../../../emulator/tenant/demoTenant';
import { isApproverQueueQuestion } from '../../../../dialogs/approvals/queuePhrases';
import type { ApprovalRequests } from '../../../../dialogs/deps';
import type { AdminService } from '../../../../services/admin/adminService';
import type { AdminAccess } from '../../../../services/admin/model';
import { PimError } from '../../../../services/pim/errors';
import { fakePim, NOW } from '../../../support/botHarness';
import { startChat } from '../dialogClient';

const BOB = { id: '29:bob', name: DEMO_USERS.bob.displayName, aadObjectId: DEMO_USERS.bob.id } as const;
const card = (n: number) =>
  CardFactory.adaptiveCard({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: `request ${n}`, wrap: true }] });

function world(access: AdminAccess, items = [card(1), card(2)]) {
  const approverQueue = sinon.stub().resolves({ items: items.map((c) => ({ card: c })), unreadable: [] });
  const approvals: ApprovalRequests = { submitted: sinon.stub().resolves(), approverQueue };
  const admin = {
    access: sinon.stub().resolves(access),
    directory: sinon.stub().resolves({ roles: [], users: [], groups: [], azureScopes: [], azureRoles: [], alerts: [] }),
    pendingApprovals: sinon.stub().resolves({ items: [], readAt: NOW, notes: [] }),
  } as unknown as AdminService;
  const chat = startChat(fakePim(), NOW, { approvals, admin });
  return { approverQueue, admin: admin as unknown as { pendingApprovals: sinon.SinonStub }, say: (text: string) => chat.say(text, BOB) };
}

describe('the approver queue (routing)', () => {
  it('knows the queue phrasings and leaves other sentences alone', () => {
    for (const q of [
      "what's waiting for me",
      'What is waiting for me?',
      'whats waiting for me',
      'anything to approve?',
      'Anything for me to approve',
      'is there anything to approve',
      'my pending approvals',
      'my approvals',
      'pending approvals for me',
      'approvals waiting for me',
      'what do I need to approve',
      'what needs my approval',
      'please show my approval queue',
      'requests waiting for me',
    ])
      assert.equal(isApproverQueueQuestion(q), true, q);
    for (const q of [
      'pending approvals',
      'my roles',
      'activate user administrator',
      'who is waiting for approval',
      'what did alice activate',
      'approve',
      `my approvals ${'x'.repeat(300)}`,
    ]) {
      assert.equal(isApproverQueueQuestion(q), false, q);
    }
  });

  it('an approver who is no admin: the queue\'s phrasings and plain "pending approvals" list the requests they may decide', async () => {
    for (const q of ["what's waiting for me?", 'anything to approve?', 'my pending approvals', 'pending approvals']) {
      const w = world({ kind: 'none' });
      const replies = await w.say(q);
      assert.equal(w.approverQueue.callCount, 1, q);
      assert.equal(w.approverQueue.firstCall.args[0].userId, DEMO_USERS.bob.id, `${q}: asked as the sender`);
      assert.equal(replies[0]!.text, '2 requests are waiting for your decision, oldest first:', q);
      assert.equal(replies.length, 3, `${q}: the summary and one card per request`);
      assert.equal(w.admin.pendingApprovals.callCount, 0, `${q}: no tenant-wide read`);
    }
  });

  it('an admin: "pending approvals" is the tenant-wide list, "what\'s waiting for me" the own queue', async () => {
    const admin = world({ kind: 'role', roleNames: ['Privileged Role Administrator'] });
    const [tenantWide] = await admin.say('pending approvals');
    assert.match(JSON.stringify(tenantWide), /Requests waiting for approval/);
    assert.equal(admin.approverQueue.callCount, 0);
    assert.equal(admin.admin.pendingApprovals.callCount, 1);
    await admin.say("what's waiting for me");
    assert.equal(admin.approverQueue.callCount, 1);
  });

  it('an empty queue says so; a long one shows the first ten; a sign-in that is needed is asked for, not a stack trace', async () => {
    const empty = world({ kind: 'none' }, []);
    assert.deepEqual(
      (await empty.say('anything to approve')).map((r) => r.text),
      ['Nothing is waiting for your decision right now.'],
    );
    const many = world(
      { kind: 'none' },
      Array.from({ length: 14 }, (_, i) => card(i)),
    );
    const replies = await many.say('my approvals');
    assert.match(replies[0]!.text!, /^14 requests are waiting for your decision, oldest first: Here are the first 10/);
    assert.equal(replies.length, 11);
    const signedOut = world({ kind: 'none' });
    signedOut.approverQueue.rejects(new PimError('authenticationRequired', 'no token'));
    const [answer] = await signedOut.say('anything to approve');
    assert.doesNotMatch(JSON.stringify(answer), /at .*\.ts:\d+/);
    assert.ok(answer!.attachments?.length || answer!.text, 'an answer, not silence');
  });
});
