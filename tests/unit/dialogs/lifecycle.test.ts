// "my access" and what its buttons do: deactivate (refused in the first 5 minutes), extend (PIM
// only extends assignments), cancel a waiting request; every id checked against her own PIM data.
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { PimError } from '../../../services/pim/errors';
import type { ActivationRequest, ActiveAssignment } from '../../../services/pim/model';
import { cardText, fakePim, NOW, submitActions } from '../../support/botHarness';
import { startChat, submit } from './dialogClient';
import { allSurfaces, SCOPES, SURFACE_KEYS } from './surfaces';

function readerActive(startedMinutesAgo: number): ActiveAssignment {
  return {
    key: SURFACE_KEYS.readerWeb,
    surface: 'azureResource',
    roleId: 'reader',
    roleName: 'Reader',
    scope: SCOPES.rgWeb,
    principalId: 'alice',
    startDateTime: new Date(NOW.getTime() - startedMinutesAgo * 60_000),
    endDateTime: new Date(NOW.getTime() + 60 * 60_000),
    assignmentType: 'activated',
  };
}

function waitingRequest(): ActivationRequest {
  return {
    id: 'req-9',
    surface: 'azureResource',
    status: 'pendingApproval',
    roleId: 'contributor',
    roleName: 'Contributor',
    scope: SCOPES.contosoProd,
    principalId: 'alice',
    startDateTime: NOW,
    endDateTime: new Date(NOW.getTime() + 3_600_000),
    createdDateTime: NOW,
    justification: 'x',
    ticket: null,
    key: SURFACE_KEYS.contributor,
  };
}

function setup(active: ActiveAssignment[], requests: ActivationRequest[] = []) {
  const pim = fakePim(allSurfaces());
  pim.listActive.resolves(active);
  (pim.service.listRequests as sinon.SinonStub).resolves(requests);
  (pim.service.deactivate as sinon.SinonStub).resolves({ ...waitingRequest(), status: 'provisioned' });
  (pim.service.cancel as sinon.SinonStub).resolves();
  return { pim, chat: startChat(pim) };
}

describe('my access and its buttons', () => {
  it('shows active access with time left, Deactivate per item, and waiting requests with Cancel', async () => {
    const { chat } = setup([readerActive(30)], [waitingRequest()]);
    const [card] = await chat.say('my access');
    const text = cardText(card);
    assert.match(text, /Reader on rg-web \(Contoso Prod\)/);
    assert.match(text, /1 hour left/);
    assert.match(text, /Waiting for approval since/);
    const actions = submitActions(card).map((a) => a.data);
    assert.ok(actions.some((d) => d['action'] === 'deactivate' && d['activeKey'] === SURFACE_KEYS.readerWeb));
    assert.ok(actions.some((d) => d['action'] === 'cancelRequest' && d['requestId'] === 'req-9' && d['surface'] === 'azureResource'));
    assert.ok(!actions.some((d) => d['action'] === 'extendAccess'), 'activations are not offered an extension');
  });

  it('deactivate in the first 5 minutes is refused with a clear message and PIM is not asked', async () => {
    const { pim, chat } = setup([readerActive(2)]);
    const [reply] = await chat.say(submit({ action: 'deactivate', activeKey: SURFACE_KEYS.readerWeb }));
    assert.match(cardText(reply), /can't be deactivated yet[\s\S]*first 5 minutes/);
    assert.equal((pim.service.deactivate as sinon.SinonStub).callCount, 0);
  });

  it('deactivate after that ends it', async () => {
    const { pim, chat } = setup([readerActive(30)]);
    const [reply] = await chat.say(submit({ action: 'deactivate', activeKey: SURFACE_KEYS.readerWeb }));
    assert.match(cardText(reply), /Reader on rg-web \(Contoso Prod\) is deactivated/);
    assert.deepEqual((pim.service.deactivate as sinon.SinonStub).firstCall.args[1], SURFACE_KEYS.readerWeb);
  });

  it('"deactivate reader" by name works too', async () => {
    const { pim, chat } = setup([readerActive(30)]);
    await chat.say('deactivate reader');
    assert.equal((pim.service.deactivate as sinon.SinonStub).callCount, 1);
  });

  it('a Deactivate button for something not active for her changes nothing', async () => {
    const { pim, chat } = setup([]);
    const [reply] = await chat.say(submit({ action: 'deactivate', activeKey: SURFACE_KEYS.readerWeb }));
    assert.match(cardText(reply), /isn't active for you/);
    assert.equal((pim.service.deactivate as sinon.SinonStub).callCount, 0);
  });

  it("PIM's own refusal in the first minutes becomes the same plain words", async () => {
    const { pim, chat } = setup([{ ...readerActive(30), startDateTime: null }]);
    (pim.service.deactivate as sinon.SinonStub).rejects(new PimError('durationTooShort', 'x', { upstreamCode: 'ActiveDurationTooShort' }));
    const [reply] = await chat.say(submit({ action: 'deactivate', activeKey: SURFACE_KEYS.readerWeb }));
    assert.match(cardText(reply), /can't be deactivated yet/);
  });

  it('extend of an activation says PIM does not extend it, offers to activate it again once ended, and asks PIM nothing', async () => {
    const { pim, chat } = setup([readerActive(30)]);
    const [reply] = await chat.say(submit({ action: 'extendAccess', activeKey: SURFACE_KEYS.readerWeb }));
    assert.match(cardText(reply), /PIM doesn't extend Reader on rg-web[\s\S]*once it has ended, activate it again/);
    assert.ok(
      submitActions(reply).some((a) => a.data['action'] === 'pickRole' && a.data['eligibilityKey'] === SURFACE_KEYS.readerWeb),
      'an Activate again button',
    );
    assert.equal((pim.service.extend as sinon.SinonStub).callCount, 0);
  });

  describe('extending a time-bound assignment', () => {
    const assigned = (): ActiveAssignment => ({ ...readerActive(600), assignmentType: 'assigned' });
    function setupAssigned() {
      const s = setup([assigned()]);
      (s.pim.service.extend as sinon.SinonStub).resolves({ ...waitingRequest(), status: 'pendingApproval', action: 'extend' });
      return s;
    }

    it('asks how long within the role policy (same prompt as activation), then sends that', async () => {
      const { pim, chat } = setupAssigned();
      const asked = await chat.say(submit({ action: 'extendAccess', activeKey: SURFACE_KEYS.readerWeb }));
      const text = asked.map((r) => `${r.text ?? ''}\n${cardText(r)}`).join('\n');
      assert.match(text, /How much longer do you need it/);
      assert.match(text, /Anything from 5 minutes to 8 hours/);
      assert.match(text, /Request extension/);
      const [tooLong] = await chat.say('9h');
      assert.match(tooLong!.text ?? '', /more than/);
      const [done] = await chat.say('2h');
      assert.match(cardText(done), /Extension of Reader on rg-web \(Contoso Prod\) requested[\s\S]*2 hours more to an administrator/);
      assert.deepEqual((pim.service.extend as sinon.SinonStub).firstCall.args.slice(1), [SURFACE_KEYS.readerWeb, { durationMinutes: 120 }]);
    });

    it('"extend reader on rg-web for 90m" needs no question', async () => {
      const { pim, chat } = setupAssigned();
      const [done] = await chat.say('extend reader on rg-web for 90m');
      assert.match(cardText(done), /requested/);
      assert.deepEqual((pim.service.extend as sinon.SinonStub).firstCall.args[2], { durationMinutes: 90 });
    });

    it('cancel at the duration question sends nothing', async () => {
      const { pim, chat } = setupAssigned();
      await chat.say('extend reader on rg-web');
      const [reply] = await chat.say('cancel');
      assert.match(reply!.text ?? '', /Cancelled/);
      assert.equal((pim.service.extend as sinon.SinonStub).callCount, 0);
    });

    it("PIM's refusal (not near its end) is said in plain words", async () => {
      const { pim, chat } = setupAssigned();
      (pim.service.extend as sinon.SinonStub).rejects(new PimError('policyViolation', 'x', { rules: ['ExpirationRule'] }));
      const [done] = await chat.say('extend reader on rg-web for 1h');
      assert.doesNotMatch(cardText(done), /ExpirationRule|PimError/);
      assert.equal((pim.service.extend as sinon.SinonStub).callCount, 1);
    });
  });

  it('cancels a waiting request of hers, and refuses an id that is not', async () => {
    const { pim, chat } = setup([], [waitingRequest()]);
    const [done] = await chat.say(submit({ action: 'cancelRequest', surface: 'azureResource', requestId: 'req-9' }));
    assert.match(cardText(done), /Request for Contributor cancelled/);
    assert.deepEqual((pim.service.cancel as sinon.SinonStub).firstCall.args[1], { surface: 'azureResource', id: 'req-9' });
    const [refused] = await chat.say(submit({ action: 'cancelRequest', surface: 'azureResource', requestId: 'someone-elses' }));
    assert.match(cardText(refused), /can't be cancelled any more/);
    assert.equal((pim.service.cancel as sinon.SinonStub).callCount, 1);
    const [garbage] = await chat.say(submit({ action: 'cancelRequest', surface: 'nope', requestId: 42 }));
    assert.match(cardText(garbage), /can't tell which request/);
  });
});

describe('step-up in the dialog', () => {
  it('sends a sign-in card for the item that needs it and submits the others', async () => {
    const pim = fakePim(allSurfaces());
    (pim.service.validate as sinon.SinonStub).callsFake(async (_u: unknown, input: { eligibilityKey: string }) => {
      if (input.eligibilityKey.includes('194ae4cb'))
        throw new PimError('authenticationRequired', 'acrs', {
          claims: '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}',
          resource: 'graph',
        });
    });
    const begin = sinon.stub().resolves('https://localhost:1/t/oauth2/v2.0/authorize?state=s');
    const chat = startChat(pim, NOW, { stepUp: { begin } });
    const replies = await chat.say('activate security administrator and sre on-call member for 1h');
    const text = replies.map(cardText).join('\n');
    assert.match(text, /Security Administrator needs a stronger sign-in/);
    assert.deepEqual(pim.created, [SURFACE_KEYS.sre]);
    const pending = begin.firstCall.args[2] as { inputs: Array<{ eligibilityKey: string; claims?: string }> };
    assert.equal(pending.inputs.length, 1);
    assert.match(pending.inputs[0]!.claims ?? '', /c1/);
  });
});

describe('when the access is actually in place', () => {
  it('says so in the turn when it shows up quickly', async () => {
    const pim = fakePim(allSurfaces());
    (pim.service.waitUntilActive as sinon.SinonStub).resolves(readerActive(0));
    const chat = startChat(pim);
    const replies = await chat.say('activate sre on-call member and reader on rg-web for 1h');
    assert.match(replies.map(cardText).join('\n'), /Reader on rg-web \(Contoso Prod\) is in place/);
  });

  it('follows up proactively when it takes longer than the turn, through the stored conversation reference', async () => {
    const pim = fakePim(allSurfaces());
    let appear: (a: ActiveAssignment) => void = () => {};
    (pim.service.waitUntilActive as sinon.SinonStub).returns(new Promise<ActiveAssignment>((resolve) => (appear = resolve)));
    const sent: Array<{ reference: unknown; text: string }> = [];
    const proactive = {
      send: async (reference: unknown, message: { attachments?: unknown[] }) =>
        void sent.push({ reference, text: cardText(message as never) }),
    };
    const chat = startChat(pim, NOW, { proactive, inTurnWaitMs: 10 });
    const replies = await chat.say('activate reader on rg-web for 1h');
    assert.equal(replies.length, 1, 'one result card in the turn');
    assert.doesNotMatch(replies.map(cardText).join('\n'), /is in place/);
    appear(readerActive(0));
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(sent.length, 1);
    assert.match(sent[0]!.text, /is in place/);
    assert.equal((sent[0]!.reference as { conversation?: { id?: string } }).conversation?.id !== undefined, true);
  });
});
