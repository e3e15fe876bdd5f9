// A submit PIM refuses with PendingRoleAssignmentRequest: the dialog finds the user's request that is
// waiting for approval and hands it to the approval flow to take over, instead of a dead end.
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import type { ApprovalRequests } from '../../../dialogs/deps';
import { PimError } from '../../../services/pim/errors';
import type { ActivationRequest, Surface, UserContext } from '../../../services/pim/model';
import { cardText, fakePim, KEYS, NOW, replyText } from '../../support/botHarness';
import { startChat, submit } from './dialogClient';

const pendingConflict = () =>
  new PimError('alreadyActive', 'PIM refused the request (PendingRoleAssignmentRequest)', {
    upstreamCode: 'PendingRoleAssignmentRequest',
    httpStatus: 400,
  });

function waitingRequest(overrides: Partial<ActivationRequest> = {}): ActivationRequest {
  return {
    id: '7e57a000-0000-4000-8000-000000000042',
    surface: 'entraRole',
    status: 'pendingApproval',
    action: 'activate',
    roleId: DEMO_ROLES.userAdministrator.id.toUpperCase(),
    roleName: DEMO_ROLES.userAdministrator.displayName,
    scope: { id: '/', displayName: 'Directory', kind: 'directory' },
    principalId: DEMO_USERS.alice.id,
    startDateTime: new Date(NOW.getTime() - 60_000),
    endDateTime: new Date(NOW.getTime() + 3600_000),
    createdDateTime: new Date(NOW.getTime() - 60_000),
    justification: 'Asked earlier',
    ticket: { number: 'INC-7' },
    ...overrides,
  };
}

function approvals(): ApprovalRequests & { submitted: sinon.SinonStub; adopt: sinon.SinonStub } {
  return { submitted: sinon.stub().resolves(), adopt: sinon.stub().resolves() };
}

/** Alice's User Administrator submit, which PIM's dry run refuses because a request of hers already waits. */
async function resubmit(options: {
  listed: ActivationRequest[];
  flow?: ApprovalRequests;
}): Promise<{ replies: string; pim: ReturnType<typeof fakePim>; listedFor: Array<Surface | undefined> }> {
  const pim = fakePim();
  (pim.service.validate as sinon.SinonStub).callsFake(async (_user: UserContext, input: { eligibilityKey: string }) => {
    if (input.eligibilityKey === KEYS.userAdministrator) throw pendingConflict();
  });
  const listedFor: Array<Surface | undefined> = [];
  // The waiting request shows up only after the questions were asked (sent from elsewhere meanwhile):
  // the check before asking saw nothing, and PIM's dry run is what finds it.
  let sent = false;
  (pim.service.listRequests as sinon.SinonStub).callsFake(async (_user: UserContext, surface?: Surface) => {
    listedFor.push(surface);
    return sent ? options.listed : [];
  });
  const chat = startChat(pim, NOW, options.flow ? { approvals: options.flow } : {});
  await chat.say('activate user administrator');
  await chat.say(submit({ action: 'setDuration', duration: '2h' }));
  sent = true;
  listedFor.length = 0;
  const replies = await chat.say(submit({ action: 'submitJustification', justification: 'Reset MFA', ticketNumber: 'INC-42' }));
  return { replies: replies.map(replyText).join('\n'), pim, listedFor };
}

describe('a submit PIM refuses because a request already waits for approval', () => {
  it("hands the waiting request (found among the user's own, same role and scope) to the approval flow to take over", async () => {
    const flow = approvals();
    const other = waitingRequest({
      id: '7e57a000-0000-4000-8000-000000000001',
      roleId: DEMO_ROLES.globalReader.id,
      roleName: 'Global Reader',
    });
    const deactivation = waitingRequest({ id: '7e57a000-0000-4000-8000-000000000002', action: 'deactivate' });
    const { replies, pim, listedFor } = await resubmit({ listed: [other, deactivation, waitingRequest()], flow });
    assert.equal(flow.adopt.callCount, 1);
    assert.equal((flow.adopt.firstCall.args[2] as ActivationRequest).id, waitingRequest().id);
    assert.equal(flow.submitted.callCount, 0);
    assert.deepEqual(pim.created, [], 'nothing new is created at PIM (its create refused, as its dry run did)');
    assert.deepEqual(listedFor, ['entraRole'], 'only the surface of the role is listed');
    assert.doesNotMatch(replies, /already waiting/, 'the flow answers, not the failure message');
  });

  it('says "already waiting" as before when no such request can be found (or the bot has no approval flow)', async () => {
    const flow = approvals();
    const found = await resubmit({ listed: [waitingRequest({ principalId: DEMO_USERS.bob.id })], flow });
    assert.match(found.replies, /A request for User Administrator is already waiting/);
    assert.equal(flow.adopt.callCount, 0);
    const none = await resubmit({ listed: [waitingRequest()] });
    assert.match(none.replies, /A request for User Administrator is already waiting/);
    assert.deepEqual(none.listedFor, [], 'no listing without a flow to hand it to');
  });

  it('several at once: the row says the earlier request still waits, and that one is taken over', async () => {
    const flow = approvals();
    const pim = fakePim();
    (pim.service.validate as sinon.SinonStub).callsFake(async (_user: UserContext, input: { eligibilityKey: string }) => {
      if (input.eligibilityKey === KEYS.userAdministrator) throw pendingConflict();
    });
    (pim.service.listRequests as sinon.SinonStub).resolves([waitingRequest()]);
    const chat = startChat(pim, NOW, { approvals: flow });
    const replies = await chat.say('activate global reader and user administrator for 1h ticket INC-42 because audit');
    const results = replies.map(cardText).find((t) => /waiting for approval/.test(t) && /Global Reader/.test(t));
    assert.ok(results, `a results card, got: ${replies.map(replyText).join(' | ')}`);
    assert.match(results, /1 activated · 1 waiting for approval/);
    assert.match(results, /User Administrator[\s\S]*Waiting for approval[\s\S]*Your earlier request for it is still waiting/);
    assert.equal(flow.adopt.callCount, 1);
    assert.deepEqual(pim.created, [KEYS.globalReader], 'only Global Reader is created');
  });
});
