// What the bot does with what people write, through the MainDialog on the Teams
// channel: natural sentences reach their flow, a guess is confirmed before anything is requested, an
// unreadable or non-English message gets what the bot can do with buttons, and the approver's and
// admin's questions reach their answers.
import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import sinon from 'sinon';
import { DEMO_USERS } from '../../../../emulator/tenant/demoTenant';
import type { AdminService } from '../../../../services/admin/adminService';
import type { AdminAccess } from '../../../../services/admin/model';
import type { ActivationRequest, ActiveAssignment } from '../../../../services/pim/model';
import { cardText, fakePim, KEYS, NOW, replyText, submitActions } from '../../../support/botHarness';
import { startChat, submit } from '../dialogClient';
import { allSurfaces, SCOPES, SURFACE_KEYS } from '../surfaces';

const CAROL = { id: '29:carol', name: DEMO_USERS.carol.displayName, aadObjectId: DEMO_USERS.carol.id } as const;
const ERIN = { id: '29:erin', name: DEMO_USERS.erin.displayName, aadObjectId: DEMO_USERS.erin.id } as const;

const all = (replies: Partial<Activity>[]) => replies.map((r) => `${replyText(r)}\n${cardText(r)}`).join('\n');
const actionsOf = (replies: Partial<Activity>[]) => replies.flatMap((r) => submitActions(r)).map((a) => a.data);

function fakeAdmin(access: AdminAccess) {
  const empty = { items: [], readAt: NOW, notes: [] };
  const stubs = {
    access: sinon.stub().resolves(access),
    directory: sinon.stub().resolves({
      roles: [],
      users: Object.values(DEMO_USERS).map((u) => ({ id: u.id, name: u.displayName, userPrincipalName: u.userPrincipalName })),
      groups: [],
      azureScopes: [],
      azureRoles: [],
      alerts: [],
    }),
    activeHolders: sinon.stub().resolves(empty),
    eligibleHolders: sinon.stub().resolves(empty),
    pendingApprovals: sinon.stub().resolves(empty),
    activity: sinon.stub().resolves(empty),
    activeAccess: sinon.stub().resolves(empty),
  };
  return { service: stubs as unknown as AdminService, stubs };
}

describe('understanding what people write', () => {
  it('"I need global reader for an hour to check the audit logs" activates it in one turn with that justification', async () => {
    const chat = startChat();
    const replies = await chat.say('I need global reader for an hour to check the audit logs');
    assert.equal(chat.pim.activate.callCount, 1);
    const [, input] = chat.pim.activate.firstCall.args;
    assert.deepEqual([input.eligibilityKey, input.durationMinutes, input.justification], [KEYS.globalReader, 60, 'check the audit logs']);
    assert.match(all(replies), /Global Reader is active/);
  });

  it('a leading emoji is not a role name', async () => {
    const chat = startChat();
    const replies = await chat.say('🙏 activate global reader for 1h because audit');
    assert.doesNotMatch(all(replies), /no eligible role called/);
    assert.equal(chat.pim.activate.firstCall.args[1].eligibilityKey, KEYS.globalReader);
    const alone = await chat.say('🙏');
    assert.doesNotMatch(all(alone), /no eligible role called/);
    assert.ok(
      actionsOf(alone).some((d) => d['action'] === 'activate'),
      'what the bot can do, as buttons',
    );
  });

  it('"until 6pm" is read in the person\'s own time zone', async () => {
    const chat = startChat();
    // 10:02 UTC is 11:02 in Berlin: 6 pm there is 17:00 UTC, 418 minutes away (UTC would make it 478).
    await chat.say({ text: 'I need global reader until 6pm because audit', localTimezone: 'Europe/Berlin' });
    assert.equal(chat.pim.activate.firstCall.args[1].durationMinutes, 418);
  });

  describe('precision before recall', () => {
    it('a bare role name with everything else said asks a one-line confirmation before acting; Yes activates', async () => {
      const chat = startChat();
      const replies = await chat.say('Global Reader 2h audit');
      assert.equal(chat.pim.activate.callCount, 0, 'nothing requested on a guess');
      assert.match(all(replies), /Activate Global Reader for 2 hours\?/);
      const buttons = actionsOf(replies);
      assert.deepEqual(
        buttons.map((d) => [d['action'], d['answer']]),
        [
          ['confirm', 'yes'],
          ['confirm', 'no'],
        ],
      );
      await chat.say(submit({ action: 'confirm', answer: 'yes' }));
      assert.equal(chat.pim.activate.callCount, 1);
      const [, input] = chat.pim.activate.firstCall.args;
      assert.deepEqual([input.eligibilityKey, input.durationMinutes, input.justification], [KEYS.globalReader, 120, 'audit']);
    });

    it('No (button or typed) requests nothing', async () => {
      for (const no of [submit({ action: 'confirm', answer: 'no' }), 'no']) {
        const chat = startChat();
        await chat.say('glbal reader 1h because audit');
        const replies = await chat.say(no);
        assert.match(all(replies), /nothing was requested/i);
        assert.equal(chat.pim.activate.callCount, 0);
      }
    });

    it('a typed "yes" confirms too', async () => {
      const chat = startChat();
      await chat.say('global reader for ninety minutes, audit');
      await chat.say('yes');
      assert.equal(chat.pim.activate.firstCall.args[1].durationMinutes, 90);
    });

    it('a bare word that names none of her roles gets what the bot can do, not a role list', async () => {
      const chat = startChat();
      const replies = await chat.say('lunch');
      assert.doesNotMatch(all(replies), /no eligible role called|Which role do you need/);
      assert.match(all(replies), /didn't catch that/);
      assert.deepEqual(
        actionsOf(replies).map((d) => d['action']),
        ['activate', 'myRoles', 'ask'],
      );
    });

    it('two roles about as close get a choice, never a pick', async () => {
      const chat = startChat(fakePim(allSurfaces()));
      const replies = await chat.say('give me reader for 30m');
      assert.equal(chat.pim.activate.callCount, 0);
      assert.match(all(replies), /More than one of your roles matches "reader"/);
    });
  });

  describe('what cannot be read', () => {
    it('an unreadable message says what the bot can do, with buttons', async () => {
      const chat = startChat();
      const replies = await chat.say('what is the weather');
      assert.match(all(replies), /I can turn on a role you are eligible for/);
      assert.deepEqual(
        actionsOf(replies).map((d) => d['action']),
        ['activate', 'myRoles', 'ask'],
      );
    });

    it('another language gets "I read English" and the buttons, every time', async () => {
      const chat = startChat();
      for (const text of [
        'Ich brauche Global Reader für zwei Stunden',
        'Ich brauche Global Reader für zwei Stunden',
        'Je voudrais le rôle Global Reader pour une heure',
        'Мне нужна роль Global Reader',
      ]) {
        const replies = await chat.say(text);
        assert.match(all(replies), /I read English only/, text);
        assert.doesNotMatch(all(replies), /didn't catch that/, text);
        assert.deepEqual(
          actionsOf(replies).map((d) => d['action']),
          ['activate', 'myRoles', 'ask'],
          text,
        );
      }
      assert.equal(chat.pim.activate.callCount, 0);
    });

    it('the Help button is read as if "help" was typed', async () => {
      const chat = startChat();
      const [welcome] = await chat.say(submit({ action: 'ask', question: 'help' }));
      assert.match(cardText(welcome), /I'm your PIM assistant/);
    });

    it('admins get their questions as extra buttons; others do not', async () => {
      const { service } = fakeAdmin({ kind: 'role', roleNames: ['Privileged Role Administrator'] });
      const admin = startChat(fakePim(), NOW, { admin: service });
      const questions = actionsOf(await admin.say('what is the weather', CAROL))
        .filter((d) => d['action'] === 'ask')
        .map((d) => d['question']);
      assert.deepEqual(questions, ['help', 'what is waiting for me', 'who is active right now']);
      const { service: none } = fakeAdmin({ kind: 'none' });
      const erin = startChat(fakePim(), NOW, { admin: none });
      assert.deepEqual(
        actionsOf(await erin.say('what is the weather', ERIN)).map((d) => d['action']),
        ['activate', 'myRoles', 'ask'],
      );
    });
  });

  describe('every phrasing leads where it names', () => {
    it('"what can I activate?" shows the roles she can activate', async () => {
      const chat = startChat();
      const [list] = await chat.say('what can I activate?');
      assert.match(cardText(list), /Which role do you need\?/);
    });

    it('"how long do I have left" shows her roles with the time left', async () => {
      const chat = startChat();
      const [card] = await chat.say('how long do I have left');
      assert.match(cardText(card), /My roles/);
    });

    it('"I\'m done with Global Reader" deactivates it', async () => {
      const pim = fakePim();
      const active: ActiveAssignment = {
        key: KEYS.globalReader,
        surface: 'entraRole',
        roleId: 'gr',
        roleName: 'Global Reader',
        scope: { id: '/', displayName: 'Directory', kind: 'directory' },
        principalId: 'alice',
        startDateTime: new Date(NOW.getTime() - 30 * 60_000),
        endDateTime: new Date(NOW.getTime() + 30 * 60_000),
        assignmentType: 'activated',
      };
      pim.listActive.resolves([active]);
      (pim.service.deactivate as sinon.SinonStub).resolves({});
      const chat = startChat(pim);
      const replies = await chat.say("I'm done with Global Reader");
      assert.deepEqual((pim.service.deactivate as sinon.SinonStub).firstCall.args[1], KEYS.globalReader);
      assert.match(all(replies), /Global Reader is deactivated/);
    });

    it('"cancel my request for contributor" cancels that waiting request, and "cancel" alone cancels nothing', async () => {
      const pim = fakePim(allSurfaces());
      const waiting: ActivationRequest = {
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
      (pim.service.listRequests as sinon.SinonStub).resolves([waiting]);
      (pim.service.cancel as sinon.SinonStub).resolves();
      const chat = startChat(pim);
      assert.match(all(await chat.say('cancel')), /nothing to cancel/);
      assert.equal((pim.service.cancel as sinon.SinonStub).callCount, 0);
      const replies = await chat.say('cancel my request for contributor');
      assert.deepEqual((pim.service.cancel as sinon.SinonStub).firstCall.args[1], { surface: 'azureResource', id: 'req-9' });
      assert.match(all(replies), /Request for Contributor cancelled/);
    });

    it('"what is waiting for me" from an admin lists the requests waiting for approval', async () => {
      const { service, stubs } = fakeAdmin({ kind: 'role', roleNames: ['Privileged Role Administrator'] });
      const chat = startChat(fakePim(), NOW, { admin: service });
      const replies = await chat.say('what is waiting for me', CAROL);
      assert.equal(stubs.pendingApprovals.callCount, 1);
      assert.match(all(replies), /Requests waiting for approval/);
    });

    it('"anything to approve?" from an approver who is not an admin says where approvals arrive', async () => {
      const { service, stubs } = fakeAdmin({ kind: 'none' });
      const chat = startChat(fakePim(), NOW, { admin: service });
      const replies = await chat.say('anything to approve?', {
        id: '29:bob',
        name: DEMO_USERS.bob.displayName,
        aadObjectId: DEMO_USERS.bob.id,
      });
      assert.equal(stubs.pendingApprovals.callCount, 0);
      assert.match(all(replies), /Requests for your approval come here as cards/);
    });

    it('"who is active right now" is a question about everyone, not a role called "active"', async () => {
      const { service, stubs } = fakeAdmin({ kind: 'role', roleNames: ['Privileged Role Administrator'] });
      const chat = startChat(fakePim(), NOW, { admin: service });
      const replies = await chat.say('who is active right now', CAROL);
      assert.doesNotMatch(all(replies), /role called "active"/);
      assert.equal(stubs.activeHolders.callCount, 0);
      assert.equal(stubs.activeAccess.callCount, 1, 'every active assignment, all surfaces');
    });

    it('"what did bob approve this week" asks for Bob\'s activity this week', async () => {
      const { service, stubs } = fakeAdmin({ kind: 'role', roleNames: ['Privileged Role Administrator'] });
      const chat = startChat(fakePim(), NOW, { admin: service });
      await chat.say('what did bob approve this week', CAROL);
      assert.equal(stubs.activity.firstCall.args[1].principalId, DEMO_USERS.bob.id);
    });

    it('"who approved alice\'s last request" asks for Alice\'s activity', async () => {
      const { service, stubs } = fakeAdmin({ kind: 'role', roleNames: ['Privileged Role Administrator'] });
      const chat = startChat(fakePim(), NOW, { admin: service });
      await chat.say("who approved alice's last request", CAROL);
      assert.equal(stubs.activity.firstCall.args[1].principalId, DEMO_USERS.alice.id);
    });
  });
});

describe('understanding: names and negations', () => {
  it('"i need sre on call for 30 min" finds SRE On-Call (a name with "on" in it), not a scope called "call"', async () => {
    const chat = startChat(fakePim(allSurfaces()));
    const replies = await chat.say('i need sre on call for 30 min');
    assert.doesNotMatch(all(replies), /not eligible/);
    const [, input] = chat.pim.activate.firstCall.args;
    assert.deepEqual([input.eligibilityKey, input.durationMinutes], [SURFACE_KEYS.sre, 30]);
  });

  it('"turn global reader off" never activates it', async () => {
    const chat = startChat();
    await chat.say('turn global reader off');
    assert.equal(chat.pim.activate.callCount, 0);
  });
});

describe('understanding: questions and negations never act', () => {
  for (const sentence of [
    "don't activate global reader for 1h because audit",
    "I can't activate global reader for 1h because audit",
    'no, activate global reader for 1h because audit',
  ]) {
    it(`"${sentence}" requests nothing`, async () => {
      const chat = startChat();
      const replies = await chat.say(sentence);
      assert.equal(chat.pim.activate.callCount, 0);
      assert.ok(actionsOf(replies).length > 0, 'with buttons to go on');
    });
  }

  it('"do I need global reader for 1h to see the audit logs?" is confirmed before anything is requested', async () => {
    const chat = startChat();
    const replies = await chat.say('do I need global reader for 1h to see the audit logs?');
    assert.equal(chat.pim.activate.callCount, 0);
    assert.match(all(replies), /Activate Global Reader for 1 hour\?/);
  });

  it('"don\'t deactivate global reader" ends nothing', async () => {
    const pim = fakePim();
    const chat = startChat(pim);
    await chat.say("don't deactivate global reader");
    assert.equal((pim.service.deactivate as sinon.SinonStub).callCount, 0);
    assert.equal(pim.listActive.callCount, 0, 'not even looked up');
  });
});
