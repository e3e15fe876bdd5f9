import assert from 'node:assert/strict';
import { DialogTurnStatus } from 'botbuilder-dialogs';
import { DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { PimError } from '../../../services/pim/errors';
import { ALICE, BOB, cardText, fakePim, inputValue, KEYS, replyText, submitActions } from '../../support/botHarness';
import { startChat, submit, type TestChat } from './dialogClient';

function allText(replies: Array<Partial<import('botbuilder').Activity>>): string {
  return replies.map(replyText).join('\n');
}

describe('ActivateDialog', () => {
  describe('happy path', () => {
    it('activates Global Reader through the card buttons', async () => {
      const chat = startChat();
      const [list] = await chat.say('activate');
      const text = cardText(list);
      for (const role of ['Global Reader', 'User Administrator', 'Security Administrator']) assert.match(text, new RegExp(role));
      assert.match(text, /Up to 8 hours · justification/);
      assert.match(text, /Up to 4 hours · justification · ticket number · approval by PIM Approvers/);
      assert.match(text, /Up to 2 hours · extra sign-in check/);
      const pick = submitActions(list).find((a) => a.data['eligibilityKey'] === KEYS.globalReader);
      assert.ok(pick, 'the list has an Activate button for Global Reader');

      const [durationCard] = await chat.say(submit(pick.data));
      assert.match(cardText(durationCard), /How long do you need Global Reader\?/);
      assert.match(cardText(durationCard), /Anything from 5 minutes to 8 hours/);
      assert.equal(inputValue(durationCard, 'duration'), '1h', 'default is min(policy max, 1 hour)');

      const [justificationCard] = await chat.say(submit({ action: 'setDuration', duration: '2h' }));
      assert.match(cardText(justificationCard), /Why do you need Global Reader\?/);
      assert.match(cardText(justificationCard), /2 hours/);
      assert.equal(submitActions(justificationCard).length, 2);
      assert.doesNotMatch(cardText(justificationCard), /Ticket number/, 'no ticket asked when the policy does not');

      const [result] = await chat.say(submit({ action: 'submitJustification', justification: 'Quarterly access review' }));
      assert.match(
        cardText(result),
        /Global Reader is active on Directory from \{\{TIME\(2025-03-03T10:02:00Z\)\}\} until \{\{TIME\(2025-03-03T12:02:00Z\)\}\}/,
      );

      sinon_assertActivatedOnce(chat, {
        eligibilityKey: KEYS.globalReader,
        durationMinutes: 120,
        justification: 'Quarterly access review',
      });
      assert.equal(chat.client.dialogTurnResult.status, DialogTurnStatus.complete);
    });

    it('activates Global Reader with typed text only', async () => {
      const chat = startChat();
      const [durationCard] = await chat.say('activate global reader');
      assert.match(cardText(durationCard), /How long do you need Global Reader\?/);
      await chat.say('90 minutes');
      const [result] = await chat.say('Investigating a sign-in incident');
      assert.match(cardText(result), /Global Reader is active/);
      sinon_assertActivatedOnce(chat, {
        eligibilityKey: KEYS.globalReader,
        durationMinutes: 90,
        justification: 'Investigating a sign-in incident',
      });
    });

    it('picks a role by a unique prefix of its name at the list', async () => {
      const chat = startChat();
      await chat.say('activate');
      const [durationCard] = await chat.say('security');
      assert.match(cardText(durationCard), /Security Administrator/);
      assert.equal(inputValue(durationCard, 'duration'), '1h');
      assert.match(cardText(durationCard), /Activate/, 'no justification step: the button activates');
      const [result] = await chat.say('45m');
      assert.match(cardText(result), /Security Administrator is active/);
      sinon_assertActivatedOnce(chat, { eligibilityKey: KEYS.securityAdministrator, durationMinutes: 45 });
    });

    it('asks justification and ticket together on the card, and says the request waits for approval', async () => {
      const chat = startChat();
      await chat.say('activate');
      await chat.say(submit({ action: 'pickRole', eligibilityKey: KEYS.userAdministrator }));
      const [form] = await chat.say(submit({ action: 'setDuration', duration: '1h30m' }));
      assert.match(cardText(form), /Ticket number/);
      const [result] = await chat.say(
        submit({ action: 'submitJustification', justification: 'Reset MFA for a user', ticketNumber: 'INC-42' }),
      );
      assert.match(cardText(result), /User Administrator is waiting for approval/);
      assert.match(cardText(result), /PIM Approvers/);
      sinon_assertActivatedOnce(chat, {
        eligibilityKey: KEYS.userAdministrator,
        durationMinutes: 90,
        justification: 'Reset MFA for a user',
        ticket: { number: 'INC-42' },
      });
    });

    it('asks the ticket on its own after a typed justification', async () => {
      const chat = startChat();
      await chat.say('activate user administrator');
      await chat.say('1.5 hours');
      const [ticketCard] = await chat.say('Reset MFA for a user');
      assert.match(cardText(ticketCard), /Which ticket is this for\?/);
      assert.equal(chat.pim.activate.callCount, 0);
      await chat.say('INC-42');
      sinon_assertActivatedOnce(chat, {
        eligibilityKey: KEYS.userAdministrator,
        durationMinutes: 90,
        justification: 'Reset MFA for a user',
        ticket: { number: 'INC-42' },
      });
    });

    it('starts straight at the duration from an Activate button on another card', async () => {
      const chat = startChat();
      const [durationCard] = await chat.say(submit({ action: 'pickRole', eligibilityKey: KEYS.globalReader }));
      assert.match(cardText(durationCard), /How long do you need Global Reader\?/);
    });

    it('takes the default duration from the policy when its maximum is under an hour', async () => {
      const eligibilities = (await fakePim().service.listEligibilities({ userId: ALICE.aadObjectId, tenantId: 't' })).map((e) => ({
        ...e,
        constraints: { ...e.constraints, maxDurationMinutes: 30, minDurationMinutes: 10 },
      }));
      const chat = startChat(fakePim(eligibilities));
      const [durationCard] = await chat.say('activate global reader');
      assert.equal(inputValue(durationCard, 'duration'), '30m');
      assert.match(cardText(durationCard), /Anything from 10 minutes to 30 minutes/);
      const replies = await chat.say('5m');
      assert.match(allText(replies), /too short/);
      assert.match(allText(replies), /between 10 minutes and 30 minutes/);
    });

    it('acts for the sender only: the user passed to PIM is the activity aadObjectId', async () => {
      const chat = startChat();
      await chat.say('activate global reader');
      await chat.say('2h');
      await chat.say('why not');
      const [user] = chat.pim.activate.firstCall.args;
      assert.equal(user.userId, DEMO_USERS.alice.id);
    });
  });

  describe('bad input: a clear message, the dialog goes on, nothing is activated', () => {
    async function atRoleList(): Promise<TestChat> {
      const chat = startChat();
      await chat.say('activate');
      return chat;
    }
    async function atDuration(): Promise<TestChat> {
      const chat = await atRoleList();
      await chat.say(submit({ action: 'pickRole', eligibilityKey: KEYS.globalReader }));
      return chat;
    }
    async function atJustification(): Promise<TestChat> {
      const chat = await atDuration();
      await chat.say(submit({ action: 'setDuration', duration: '2h' }));
      return chat;
    }
    async function finishFromRoleList(chat: TestChat): Promise<void> {
      await chat.say(submit({ action: 'pickRole', eligibilityKey: KEYS.globalReader }));
      await finishFromDuration(chat);
    }
    async function finishFromDuration(chat: TestChat): Promise<void> {
      await chat.say(submit({ action: 'setDuration', duration: '2h' }));
      await finishFromJustification(chat);
    }
    async function finishFromJustification(chat: TestChat): Promise<void> {
      const [result] = await chat.say(submit({ action: 'submitJustification', justification: 'Audit' }));
      assert.match(cardText(result), /Global Reader is active/);
      assert.equal(chat.pim.activate.callCount, 1);
    }

    it('an unknown role name after "activate" says so and shows the list', async () => {
      const chat = startChat();
      const replies = await chat.say('activate global administrator');
      assert.match(replies[0]!.text ?? '', /You have no eligible role called "global administrator"/);
      assert.match(cardText(replies[1]), /Which role do you need\?/);
      assert.equal(chat.pim.activate.callCount, 0);
      await finishFromRoleList(chat);
    });

    it('an unknown role name typed at the list says so and shows the list again', async () => {
      const chat = await atRoleList();
      const replies = await chat.say('Exchange Administrator');
      assert.match(replies[0]!.text ?? '', /no eligible role called "Exchange Administrator"/);
      assert.match(cardText(replies[1]), /Which role do you need\?/);
      await finishFromRoleList(chat);
    });

    const forgedPicks: Array<[string, Record<string, unknown>]> = [
      ['an unknown eligibility key', { action: 'pickRole', eligibilityKey: 'entraRole|/|not-a-role' }],
      [
        "someone else's role (Carol's Privileged Role Administrator)",
        { action: 'pickRole', eligibilityKey: KEYS.privilegedRoleAdministrator },
      ],
      ['a missing key', { action: 'pickRole' }],
      ['a key of the wrong type', { action: 'pickRole', eligibilityKey: 42 }],
      ['a key that is an object', { action: 'pickRole', eligibilityKey: { key: KEYS.globalReader } }],
      ['a huge key', { action: 'pickRole', eligibilityKey: 'x'.repeat(5000) }],
    ];
    for (const [what, data] of forgedPicks) {
      it(`a role submit with ${what} is refused`, async () => {
        const chat = await atRoleList();
        const replies = await chat.say(submit(data));
        assert.match(replies[0]!.text ?? '', /isn't one you're eligible for|didn't say which role/);
        assert.match(cardText(replies[1]), /Which role do you need\?/);
        assert.equal(chat.pim.activate.callCount, 0);
        await finishFromRoleList(chat);
      });
    }

    it("an Activate button carrying someone else's role, outside a flow, is refused", async () => {
      const chat = startChat();
      const replies = await chat.say(submit({ action: 'pickRole', eligibilityKey: KEYS.privilegedRoleAdministrator }));
      assert.match(replies[0]!.text ?? '', /isn't one you're eligible for/);
      assert.equal(chat.pim.activate.callCount, 0);
      await finishFromRoleList(chat);
    });

    const badDurations: Array<[string, Record<string, unknown> | string, RegExp]> = [
      ['over the maximum (typed)', '9h', /9 hours is more than Global Reader allows\. Choose a duration between 5 minutes and 8 hours/],
      ['over the maximum (card)', { action: 'setDuration', duration: '600 minutes' }, /more than Global Reader allows/],
      ['under 5 minutes', '3m', /3 minutes is too short: PIM needs between 5 minutes and 8 hours/],
      ['not a duration', 'banana', /didn't understand "banana" as a duration/],
      ['a number in the card field', { action: 'setDuration', duration: 120 }, /had no duration/],
      ['an empty card field', { action: 'setDuration', duration: '' }, /had no duration/],
      ['a missing card field', { action: 'setDuration' }, /had no duration/],
      ['a button of an earlier card', { action: 'pickRole', eligibilityKey: KEYS.userAdministrator }, /earlier card/],
      ['an unknown card action', { action: 'approve', requestId: 'x' }, /isn't part of this conversation/],
    ];
    for (const [what, input, message] of badDurations) {
      it(`a duration ${what} is refused and asked again`, async () => {
        const chat = await atDuration();
        const replies = await chat.say(typeof input === 'string' ? input : submit(input));
        assert.match(replies[0]!.text ?? '', message);
        assert.match(cardText(replies[1]), /How long do you need Global Reader\?/);
        assert.equal(chat.pim.activate.callCount, 0);
        await finishFromDuration(chat);
      });
    }

    const badJustifications: Array<[string, Record<string, unknown>, RegExp]> = [
      ['empty', { action: 'submitJustification', justification: '' }, /A justification is required for Global Reader/],
      ['only spaces', { action: 'submitJustification', justification: '   ' }, /A justification is required/],
      ['missing', { action: 'submitJustification' }, /A justification is required/],
      ['of the wrong type', { action: 'submitJustification', justification: ['a'] }, /can't read/],
      ['too long', { action: 'submitJustification', justification: 'x'.repeat(501) }, /at most 500/],
    ];
    for (const [what, data, message] of badJustifications) {
      it(`a justification that is ${what} is refused and asked again`, async () => {
        const chat = await atJustification();
        const replies = await chat.say(submit(data));
        assert.match(replies[0]!.text ?? '', message);
        assert.match(cardText(replies[1]), /Why do you need Global Reader\?/);
        assert.equal(chat.pim.activate.callCount, 0);
        await finishFromJustification(chat);
      });
    }

    it('a missing ticket number is refused when the policy asks for one', async () => {
      const chat = startChat();
      await chat.say('activate user administrator');
      await chat.say('1h');
      const replies = await chat.say(submit({ action: 'submitJustification', justification: 'Reset MFA', ticketNumber: ' ' }));
      assert.match(replies[0]!.text ?? '', /A ticket number is required for User Administrator/);
      assert.equal(chat.pim.activate.callCount, 0);
    });

    it('someone else in the same conversation cannot continue or cancel the flow', async () => {
      const chat = await atDuration();
      const replies = await chat.say('cancel', BOB);
      assert.match(replies[0]!.text ?? '', /Someone else is in the middle of a request/);
      await chat.say('2h', BOB);
      assert.equal(chat.pim.activate.callCount, 0);
      await finishFromDuration(chat);
    });
  });

  describe('cancel', () => {
    const steps: Array<[string, (chat: TestChat) => Promise<unknown>]> = [
      ['the role list', (chat) => chat.say('activate')],
      [
        'the duration',
        async (chat) => {
          await chat.say('activate');
          await chat.say(submit({ action: 'pickRole', eligibilityKey: KEYS.userAdministrator }));
        },
      ],
      [
        'the justification',
        async (chat) => {
          await chat.say('activate user administrator');
          await chat.say('2h');
        },
      ],
      [
        'the ticket',
        async (chat) => {
          await chat.say('activate user administrator');
          await chat.say('2h');
          await chat.say('Reset MFA');
        },
      ],
    ];
    for (const [step, reach] of steps) {
      for (const how of ['typed', 'card button'] as const) {
        it(`stops at ${step} (${how}) and nothing is requested`, async () => {
          const chat = startChat();
          await reach(chat);
          const replies = await chat.say(how === 'typed' ? 'Cancel' : submit({ action: 'cancel' }));
          assert.equal(replies.length, 1);
          assert.match(replies[0]!.text ?? '', /Cancelled\. Nothing was requested\./);
          assert.equal(chat.pim.activate.callCount, 0);
          // The conversation starts fresh afterwards.
          const [welcome] = await chat.say('hi');
          assert.match(cardText(welcome), /I'm your PIM assistant/);
        });
      }
    }

    it('a submit from a card of a cancelled flow changes nothing', async () => {
      const chat = startChat();
      await chat.say('activate global reader');
      await chat.say('2h');
      await chat.say('cancel');
      const replies = await chat.say(submit({ action: 'submitJustification', justification: 'late click' }));
      assert.match(replies[0]!.text ?? '', /already finished/);
      assert.equal(chat.pim.activate.callCount, 0);
    });

    it('"cancel" with nothing going on says so', async () => {
      const chat = startChat();
      const replies = await chat.say('cancel');
      assert.match(replies[0]!.text ?? '', /nothing to cancel/);
    });
  });

  describe('PIM errors', () => {
    it('shows the plain words for a refused activation and ends the flow', async () => {
      const pim = fakePim();
      pim.activate.rejects(new PimError('policyViolation', 'upstream says no', { rules: ['ExpirationRule'] }));
      const chat = startChat(pim);
      await chat.say('activate global reader');
      await chat.say('2h');
      const [error] = await chat.say('because');
      assert.match(cardText(error), /PIM refused the request for Global Reader/);
      assert.match(cardText(error), /the duration is longer than the role allows/);
      assert.doesNotMatch(cardText(error), /upstream says no/, 'upstream text is for logs, not users');
      assert.equal(chat.client.dialogTurnResult.status, DialogTurnStatus.complete);
    });

    it('tells the user when PIM cannot be reached while loading the list', async () => {
      const pim = fakePim();
      pim.listEligibilities.rejects(new PimError('unavailable', 'ECONNREFUSED'));
      const chat = startChat(pim);
      const [error] = await chat.say('activate');
      assert.match(cardText(error), /I can't reach PIM right now/);
    });

    it('says so when the user has no eligible roles', async () => {
      const chat = startChat(fakePim([]));
      const [info] = await chat.say('activate');
      assert.match(cardText(info), /No roles to activate/);
    });
  });
});

function sinon_assertActivatedOnce(chat: TestChat, input: Record<string, unknown>): void {
  assert.equal(chat.pim.activate.callCount, 1, 'activate called exactly once');
  const [user, actual] = chat.pim.activate.firstCall.args;
  assert.equal(user.userId, ALICE.aadObjectId);
  assert.deepEqual(actual, input);
}
