// The welcome card fits the person. An approver sees how many requests wait for them, with a
// button that lists them (read from the approval records the bot holds); a PIM administrator sees the
// questions they can ask and is never told to ask their PIM administrator; everyone else sees neither.
import assert from 'node:assert/strict';
import { MemoryStorage } from 'botbuilder';
import sinon from 'sinon';
import { approverWaiting } from '../../../services/approvals/approverWaiting';
import { approvalRecord } from '../../../services/approvals/newRecord';
import type { AdminService } from '../../../services/admin/adminService';
import { ApprovalRecordStore } from '../../../services/approvals/recordStore';
import { DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import type { ActivationRequest } from '../../../services/pim/model';
import { BOB, cardText, fakePim, NOW, submitActions } from '../../support/botHarness';
import { startChat, submit } from './dialogClient';

const BOB_REF = { id: DEMO_USERS.bob.id, displayName: 'Bob Brown' };
const DAVE_REF = { id: DEMO_USERS.dave.id, displayName: 'Dave Diaz' };

function request(id: string, roleName: string): ActivationRequest {
  return {
    id,
    surface: 'entraRole',
    status: 'pendingApproval',
    roleId: 'r',
    roleName,
    scope: { id: '/', displayName: 'Directory', kind: 'directory' },
    principalId: DEMO_USERS.alice.id,
    startDateTime: NOW,
    endDateTime: new Date(NOW.getTime() + 3_600_000),
    createdDateTime: new Date(NOW.getTime() - 5 * 60_000),
    justification: 'x',
    ticket: null,
  };
}

async function recordsWaitingForBob(): Promise<ApprovalRecordStore> {
  const store = new ApprovalRecordStore(new MemoryStorage());
  const alice = { userId: DEMO_USERS.alice.id, tenantId: 't', displayName: 'Alice Adams' };
  await store.create(
    approvalRecord({ user: alice, request: request('req-1', 'User Administrator'), approvers: [BOB_REF, DAVE_REF], recent: [], now: NOW }),
  );
  await store.create(approvalRecord({ user: alice, request: request('req-2', 'Contributor'), approvers: [BOB_REF], recent: [], now: NOW }));
  // Decided already, and one for someone else: neither counts for Bob.
  const decided = await store.create(
    approvalRecord({ user: alice, request: request('req-3', 'Global Reader'), approvers: [BOB_REF], recent: [], now: NOW }),
  );
  await store.decide(`approvals/entraRole/${decided.requestId}`, {
    outcome: 'approved',
    by: DAVE_REF,
    at: NOW.toISOString(),
    justification: 'ok',
    via: 'bot',
  });
  await store.create(
    approvalRecord({ user: alice, request: request('req-4', 'Helpdesk Administrator'), approvers: [DAVE_REF], recent: [], now: NOW }),
  );
  return store;
}

function admin(kind: 'role' | 'none'): AdminService {
  return {
    access: sinon.stub().resolves(kind === 'role' ? { kind: 'role', roleNames: ['Privileged Role Administrator'] } : { kind: 'none' }),
  } as unknown as AdminService;
}

describe('the welcome card fits the person', () => {
  it('an approver sees how many requests wait for them, and a button that lists them', async () => {
    const store = await recordsWaitingForBob();
    const chat = startChat(fakePim([]), NOW, { approverWaiting: approverWaiting(store, () => NOW) });
    const [welcome] = await chat.say('hi', BOB);
    const text = cardText(welcome);
    assert.match(text, /2 requests are waiting for your approval/);
    assert.match(text, /Alice Adams asks for User Administrator, since \{\{TIME\(2025-03-03T09:57:00Z\)\}\}/);
    const button = submitActions(welcome).find((a) => a.data['action'] === 'approverQueue');
    assert.ok(button, 'a button to what is waiting');
    const [queue] = await chat.say(submit(button.data), BOB);
    assert.match(cardText(queue), /2 requests are waiting for your approval[\s\S]*User Administrator[\s\S]*Contributor/);
    assert.doesNotMatch(cardText(queue), /Helpdesk|Global Reader/);
  });

  it('a PIM administrator sees the questions they can ask, and is never sent to "your PIM administrator"', async () => {
    const chat = startChat(fakePim([]), NOW, { admin: admin('role') });
    const [welcome] = await chat.say('hi');
    const text = cardText(welcome);
    assert.match(text, /As a PIM administrator you can ask me/);
    assert.match(text, /who has Global Administrator[\s\S]*pending approvals[\s\S]*alerts/);
    assert.doesNotMatch(text, /ask your PIM administrator/i);
    const [none] = await chat.say('activate');
    assert.doesNotMatch(cardText(none), /ask your PIM administrator/i);
  });

  it('someone who is neither sees no approver count and no administrator questions', async () => {
    const chat = startChat(fakePim(), NOW, {
      admin: admin('none'),
      approverWaiting: approverWaiting(new ApprovalRecordStore(new MemoryStorage()), () => NOW),
    });
    const [welcome] = await chat.say('hi');
    const text = cardText(welcome);
    assert.doesNotMatch(text, /waiting for your approval|As a PIM administrator|who has Global Administrator/);
    assert.deepEqual(
      submitActions(welcome).map((a) => a.data['action']),
      ['activate', 'myRoles'],
    );
  });
});
