// "Never waste a step": what the user already holds or has waiting is answered before any
// question (until when, on which scope, the button that does something about it); "already active"
// reads as information; several at once says each role's own maximum before anything is submitted.
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { PimError } from '../../../services/pim/errors';
import type { ActivationRequest, ActiveAssignment } from '../../../services/pim/model';
import { cardOf, cardText, fakePim, KEYS, NOW, replyText, submitActions } from '../../support/botHarness';
import { startChat, submit } from './dialogClient';
import { allSurfaces, SURFACE_KEYS } from './surfaces';

const DIRECTORY = { id: '/', displayName: 'Directory', kind: 'directory' } as const;
const END = new Date(NOW.getTime() + 90 * 60_000);

function globalReaderActive(): ActiveAssignment {
  return {
    key: KEYS.globalReader,
    surface: 'entraRole',
    roleId: DEMO_ROLES.globalReader.id,
    roleName: 'Global Reader',
    scope: DIRECTORY,
    principalId: DEMO_USERS.alice.id,
    startDateTime: new Date(NOW.getTime() - 30 * 60_000),
    endDateTime: END,
    assignmentType: 'activated',
  };
}

function userAdminWaiting(): ActivationRequest {
  return {
    id: 'req-ua-1',
    surface: 'entraRole',
    status: 'pendingApproval',
    action: 'activate',
    roleId: DEMO_ROLES.userAdministrator.id,
    roleName: 'User Administrator',
    scope: DIRECTORY,
    principalId: DEMO_USERS.alice.id,
    startDateTime: NOW,
    endDateTime: END,
    createdDateTime: new Date(NOW.getTime() - 10 * 60_000),
    justification: 'earlier',
    ticket: { number: 'INC-1' },
  };
}

function setup(active: ActiveAssignment[], requests: ActivationRequest[] = []) {
  const pim = fakePim(allSurfaces());
  pim.listActive.resolves(active);
  (pim.service.listRequests as sinon.SinonStub).resolves(requests);
  return { pim, chat: startChat(pim) };
}

/** The colour of a card's first TextBlock (its title). */
function titleColor(activity: Parameters<typeof cardOf>[0]): unknown {
  return (cardOf(activity)?.['body'] as Array<Record<string, unknown>> | undefined)?.[0]?.['color'];
}

describe('check before asking', () => {
  it('a role already active is answered at once: its end time, its scope, Deactivate; no duration is asked, nothing requested', async () => {
    const { pim, chat } = setup([globalReaderActive()]);
    const replies = await chat.say('activate global reader');
    assert.equal(replies.length, 1, replies.map(replyText).join(' | '));
    const text = cardText(replies[0]);
    assert.match(text, /Global Reader is already active/);
    assert.match(text, /on Directory until \{\{TIME\(2025-03-03T11:32:00Z\)\}\} \(1 hour 30 minutes left\)/);
    assert.match(text, /PIM doesn't extend an activation/);
    assert.doesNotMatch(text, /How long/);
    assert.notEqual(titleColor(replies[0]), 'Attention', 'information, not an error');
    assert.ok(submitActions(replies[0]).some((a) => a.data['action'] === 'deactivate' && a.data['activeKey'] === KEYS.globalReader));
    assert.equal(pim.activate.callCount, 0);
  });

  it('the reminder the answer promises is set for that activation', async () => {
    const pim = fakePim(allSurfaces());
    pim.listActive.resolves([globalReaderActive()]);
    const track = sinon.stub();
    const chat = startChat(pim, NOW, { reminders: { track } });
    await chat.say('activate global reader');
    assert.equal(track.callCount, 1);
    assert.deepEqual(
      track.firstCall.args[2].map((a: ActiveAssignment) => a.key),
      [KEYS.globalReader],
    );
    assert.deepEqual(track.firstCall.args[3], { [KEYS.globalReader]: 'Global Reader' });
  });

  it('a role with a request waiting says so with its Cancel button, before any question', async () => {
    const { pim, chat } = setup([], [userAdminWaiting()]);
    const replies = await chat.say('activate user administrator');
    assert.equal(replies.length, 1);
    assert.match(cardText(replies[0]), /A request for User Administrator is already waiting for approval/);
    const cancel = submitActions(replies[0]).find((a) => a.data['action'] === 'cancelRequest');
    assert.deepEqual(cancel?.data, { action: 'cancelRequest', surface: 'entraRole', requestId: 'req-ua-1' });
    assert.equal(pim.activate.callCount, 0);
  });

  it('a role that needs approval: her requests of that role are read (one read, every status) and a waiting one is answered', async () => {
    const { pim, chat } = setup([]);
    const listRoleRequests = pim.service.listRoleRequests as sinon.SinonStub;
    listRoleRequests.resolves([{ ...userAdminWaiting(), id: 'req-old', status: 'provisioned' }, userAdminWaiting()]);
    const replies = await chat.say('activate user administrator');
    assert.match(cardText(replies[0]), /A request for User Administrator is already waiting for approval/);
    assert.deepEqual(listRoleRequests.firstCall.args.slice(1), [KEYS.userAdministrator]);
    assert.equal((pim.service.listRequests as sinon.SinonStub).callCount, 0, 'not the open requests of the surface as well');
    assert.equal(pim.activate.callCount, 0);
  });

  it('a role without approval: nothing waiting is read before asking; one scheduled later, which PIM refuses the create for, is then answered for what it is', async () => {
    const { pim, chat } = setup([]);
    const later = new Date(NOW.getTime() + 24 * 3_600_000);
    const scheduled: ActivationRequest = {
      ...userAdminWaiting(),
      id: 'req-gr-1',
      status: 'granted',
      roleId: DEMO_ROLES.globalReader.id,
      roleName: 'Global Reader',
      startDateTime: later,
      endDateTime: new Date(later.getTime() + 3_600_000),
    };
    (pim.service.listRequests as sinon.SinonStub).resolves([scheduled]);
    const [question] = await chat.say('activate global reader');
    assert.match(cardText(question), /How long do you need Global Reader\?/);
    assert.equal((pim.service.listRequests as sinon.SinonStub).callCount, 0, 'no read of waiting requests');
    assert.equal((pim.service.listRoleRequests as sinon.SinonStub).callCount, 0);
    // PIM refuses the create: an assignment is scheduled for the role (RoleAssignmentExists), nothing written.
    (pim.service.validate as sinon.SinonStub).rejects(
      new PimError('alreadyActive', 'exists', { upstreamCode: 'RoleAssignmentExists', httpStatus: 400 }),
    );
    await chat.say('1 hour');
    const replies = await chat.say('audit');
    const text = replies.map(cardText).join('\n');
    assert.match(text, /Global Reader is already scheduled/, text);
    assert.equal(pim.created.length, 0);
  });

  it('the picker marks the active and the waiting roles, and picking one answers instead of asking', async () => {
    const { chat } = setup([globalReaderActive()], [userAdminWaiting()]);
    const [list] = await chat.say('activate');
    const text = cardText(list);
    assert.match(text, /Global Reader[\s\S]*Active now, until \{\{TIME\(2025-03-03T11:32:00Z\)\}\}/);
    assert.match(text, /User Administrator[\s\S]*Request waiting for approval/);
    const [answer] = await chat.say(submit({ action: 'pickRole', eligibilityKey: KEYS.globalReader }));
    assert.match(cardText(answer), /Global Reader is already active/);
  });

  it('a mark on the list is checked again when picked: an activation that ended meanwhile goes on to the questions', async () => {
    const { pim, chat } = setup([globalReaderActive()]);
    await chat.say('activate');
    pim.listActive.resolves([]);
    const [duration] = await chat.say(submit({ action: 'pickRole', eligibilityKey: KEYS.globalReader }));
    assert.match(cardText(duration), /How long do you need Global Reader\?/);
  });

  it('of several, the one already active is answered and the others go on', async () => {
    const { pim, chat } = setup([globalReaderActive()]);
    const replies = await chat.say('activate global reader and sre on-call member');
    assert.match(cardText(replies[0]), /Global Reader is already active/);
    assert.match(cardText(replies[1]), /How long do you need Member of SRE On-Call/);
    assert.equal(pim.activate.callCount, 0);
  });

  it('PIM refusing because it is already active (found by its dry run) reads as information with the end time', async () => {
    const pim = fakePim(allSurfaces());
    (pim.service.validate as sinon.SinonStub).rejects(
      new PimError('alreadyActive', 'exists', { upstreamCode: 'RoleAssignmentExists', httpStatus: 400 }),
    );
    // The dry run sees it before the listing does (activated elsewhere a moment ago).
    pim.listActive.resolves([globalReaderActive()]);
    const chat = startChat(pim);
    const [reply] = await chat.say('activate global reader for 1h because audit');
    const text = cardText(reply);
    assert.match(text, /Global Reader is already active/);
    assert.match(text, /until \{\{TIME\(2025-03-03T11:32:00Z\)\}\}/);
    assert.doesNotMatch(text, /say "my roles"/i);
    assert.notEqual(titleColor(reply), 'Attention');
  });
});

describe('several at once', () => {
  it("states each role's own maximum before submitting, and a shorter maximum than asked is said, not cut silently", async () => {
    const { pim, chat } = setup([]);
    const replies = await chat.say('activate global reader and sre on-call member for 6h because incident 7');
    const said = replies.map(replyText).join('\n');
    assert.match(said, /6 hours is longer than Member of SRE On-Call allows \(at most 4 hours\)/);
    assert.match(said, /Global Reader up to 8 hours/);
    assert.equal(pim.activate.callCount, 0, 'nothing is submitted before the user has heard it');
    const [result] = await chat.say('6h');
    assert.match(cardText(result), /2 activated/);
    assert.deepEqual(
      pim.activate
        .getCalls()
        .map((c) => [c.args[1].eligibilityKey, c.args[1].durationMinutes])
        .sort(),
      [
        [KEYS.globalReader, 360],
        [SURFACE_KEYS.sre, 240],
      ].sort(),
    );
  });

  it('the summary counts activated, waiting for approval and refused separately', async () => {
    const pim = fakePim(allSurfaces());
    (pim.service.validate as sinon.SinonStub).callsFake(async (_u: unknown, input: { eligibilityKey: string }) => {
      if (input.eligibilityKey === SURFACE_KEYS.readerWeb) throw new PimError('policyViolation', 'x', { rules: ['ExpirationRule'] });
    });
    const chat = startChat(pim);
    const [result] = await chat.say(
      'activate global reader and contributor on contoso prod and reader on rg-web for 1h because incident 7',
    );
    assert.match(cardText(result), /1 activated · 1 waiting for approval · 1 refused/);
  });
});

describe('least privilege', () => {
  it('a role asked on a scope she is not eligible for is offered on the wider one in plain words, on a button, never activated for her', async () => {
    const { pim, chat } = setup([]);
    const replies = await chat.say('activate contributor on rg-web for 1h because deploy');
    assert.match(replies[0]?.text ?? '', /You're not eligible for contributor on "rg-web"/);
    assert.match(replies[0]?.text ?? '', /Contributor on the whole subscription Contoso Prod — wider than rg-web/);
    assert.match(replies[0]?.text ?? '', /more access than you asked for/);
    const offered = submitActions(replies[1])
      .filter((a) => a.data['action'] === 'pickRole')
      .map((a) => a.data['eligibilityKey']);
    assert.deepEqual(offered, [SURFACE_KEYS.contributor], 'an explicit choice');
    assert.equal(pim.activate.callCount, 0);
  });
});

describe('"extend" never ends in a dead end', () => {
  it('with nothing active says why there is nothing to extend and offers to activate', async () => {
    const { chat } = setup([]);
    const [reply] = await chat.say('extend');
    assert.match(cardText(reply), /Nothing is active for you to extend/);
    assert.match(cardText(reply), /PIM doesn't extend an activation/);
    assert.ok(submitActions(reply).some((a) => a.data['action'] === 'activate'));
  });

  it('with an activation says in one line that PIM does not extend it, when it ends, and sets the reminder with one-click re-activation', async () => {
    const pim = fakePim(allSurfaces());
    pim.listActive.resolves([globalReaderActive()]);
    const track = sinon.stub();
    const chat = startChat(pim, NOW, { reminders: { track } });
    const [reply] = await chat.say('extend');
    const text = cardText(reply);
    assert.match(text, /PIM doesn't extend an activation/);
    assert.match(text, /Global Reader: until \{\{TIME\(2025-03-03T11:32:00Z\)\}\} \(1 hour 30 minutes left\)/);
    assert.match(text, /remind you shortly before/);
    assert.equal(track.callCount, 1, 'the reminder the card promises is set up');
    assert.equal((pim.service.extend as sinon.SinonStub).callCount, 0, 'PIM is not asked to extend an activation');
  });
});

describe('"extend <role>" for a role that is not active', () => {
  it('says why there is nothing to extend and offers to activate that very role', async () => {
    const { chat } = setup([]);
    const [reply] = await chat.say('extend global reader');
    assert.match(cardText(reply), /isn't active for you[\s\S]*nothing to deactivate or extend/);
    assert.ok(submitActions(reply).some((a) => a.data['action'] === 'pickRole' && a.data['eligibilityKey'] === KEYS.globalReader));
  });
});
