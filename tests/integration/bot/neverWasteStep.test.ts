// "Never waste a step", over HTTP with nothing stubbed (emulator, Azurite, the real SDK
// clients): a role already active is answered before any question, with its end; a request waiting
// for approval is answered with its Cancel button, which cancels it at PIM; a role asked on a scope
// where only a wider grant exists is offered on a button, in plain words, and never activated.
import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { cardOf, cardText, submitActions } from '../../support/botHarness';
import { requesterSuite } from './requesterHarness';

const BOB = { id: '29:bob', name: DEMO_USERS.bob.displayName, aadObjectId: DEMO_USERS.bob.id };

function titleColor(activity: Partial<Activity> | undefined): unknown {
  return (cardOf(activity)?.['body'] as Array<Record<string, unknown>> | undefined)?.[0]?.['color'];
}

describe('never waste a step, over HTTP', function () {
  this.timeout(60_000);
  const h = requesterSuite();
  const aliceRequests = () => h.tenant.state.assignmentRequests(DEMO_USERS.alice.id);

  it('a role already active is answered at once with its end time and scope, as information; PIM is asked nothing new', async () => {
    const done = await h.say('activate global reader for 1h because audit logs');
    assert.match(done.map(cardText).join('\n'), /Role activated|is in place/);
    const before = aliceRequests().length;

    const [answer, ...rest] = await h.say('activate global reader');
    const text = cardText(answer);
    assert.match(text, /Global Reader is already active/);
    assert.match(text, /on Directory until \{\{TIME\(/);
    assert.doesNotMatch(rest.map(cardText).join('\n'), /How long/, 'no duration is asked');
    assert.notEqual(titleColor(answer), 'Attention');
    assert.ok(
      submitActions(answer).some((a) => a.data['action'] === 'deactivate'),
      'what can be done: deactivate',
    );

    // A complete sentence goes straight to PIM, which refuses (RoleAssignmentExists): still information.
    const [again] = await h.say('activate global reader for 2h because more audit');
    assert.match(cardText(again), /Global Reader is already active[\s\S]*until \{\{TIME\(/);
    assert.notEqual(titleColor(again), 'Attention');
    assert.doesNotMatch(cardText(again), /say "my roles"/i);
    assert.equal(aliceRequests().length, before, 'nothing new requested');
  });

  it('a role with a request waiting for approval says so with its Cancel button, and the button cancels it at PIM', async () => {
    await h.say('activate User Administrator for 2h ticket INC-42 because fixing login');
    const waiting = aliceRequests().filter((r) => r.status === 'PendingApproval');
    assert.equal(waiting.length, 1);

    const replies = await h.say('activate user administrator');
    const answer = replies.find((r) => /already waiting for approval/.test(cardText(r)));
    assert.ok(answer, replies.map(cardText).join(' | '));
    assert.doesNotMatch(replies.map(cardText).join('\n'), /How long/);
    const cancel = submitActions(answer).find((a) => a.data['action'] === 'cancelRequest');
    assert.ok(cancel, 'a Cancel button');

    const [cancelled] = await h.say({ value: cancel.data });
    assert.match(cardText(cancelled), /Request for User Administrator cancelled/);
    assert.equal(aliceRequests().find((r) => r.id === waiting[0]!.id)?.status, 'Canceled');
    // Its approval record follows at once (not at the next sweep): nothing waits for Bob any more.
    h.newConversation();
    const [bobWelcome] = await h.say({ text: 'hi', from: BOB });
    assert.doesNotMatch(cardText(bobWelcome), /waiting for your approval/);
  });

  it('a role asked on a scope she is not eligible for is offered on the wider scope, in plain words, on a button only', async () => {
    const azureBefore = (h.tenant.state.data.azure.requests ?? []).length;
    const replies = await h.say('activate contributor on rg-web for 1h because deploy');
    const said = replies.map((r) => r.text ?? '').join('\n');
    assert.match(said, /Contributor on the whole subscription Contoso Prod — wider than rg-web/);
    const offered = replies.flatMap((r) => submitActions(r)).filter((a) => a.data['action'] === 'pickRole');
    assert.equal(offered.length, 1, 'one explicit choice');
    assert.equal((h.tenant.state.data.azure.requests ?? []).length, azureBefore, 'nothing activated or requested for her');
  });

  it("an approver's welcome says what waits for them (from the approval records), and times follow the activity's time zone", async () => {
    await h.say('activate User Administrator for 2h ticket INC-42 because fixing login');
    h.newConversation();
    const [welcome] = await h.say({ text: 'hi', from: BOB, localTimezone: 'Asia/Tokyo', locale: 'de-DE' });
    const text = cardText(welcome);
    assert.match(text, /1 request is waiting for your approval/);
    assert.match(text, /Alice Adams asks for User Administrator, since \d{1,2}:\d{2} (AM|PM)/, 'in English, in his zone');
    assert.doesNotMatch(text, /\{\{(TIME|DATE)\(/);
    assert.ok(submitActions(welcome).some((a) => a.data['action'] === 'approverQueue'));
  });
});
