import assert from 'node:assert/strict';
import { DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { eligibilityKey, type ActiveAssignment } from '../../../services/pim/model';
import { ALICE, aliceEligibilities, cardText, fakePim, KEYS, NOW, submitActions } from '../../support/botHarness';
import { startChat, submit } from './dialogClient';

function activeGlobalReader(minutesLeft: number): ActiveAssignment {
  return {
    key: KEYS.globalReader,
    surface: 'entraRole',
    roleId: DEMO_ROLES.globalReader.id,
    roleName: 'Global Reader',
    scope: { id: '/', displayName: 'Directory', kind: 'directory' },
    principalId: DEMO_USERS.alice.id,
    startDateTime: new Date(NOW.getTime() - 2 * 60_000),
    endDateTime: new Date(NOW.getTime() + minutesLeft * 60_000),
    assignmentType: 'activated',
  };
}

describe('MainDialog', () => {
  for (const greeting of ['hi', 'hello', 'help']) {
    it(`"${greeting}" shows the welcome card with what the bot does and her eligible roles`, async () => {
      const chat = startChat();
      const [welcome] = await chat.say(greeting);
      const text = cardText(welcome);
      assert.match(text, /Hi Alice, I'm your PIM assistant/);
      assert.match(text, /activate/);
      assert.match(text, /my roles/);
      for (const role of ['Global Reader', 'User Administrator', 'Security Administrator']) assert.match(text, new RegExp(role));
      assert.deepEqual(
        submitActions(welcome).map((a) => a.data['action']),
        ['activate', 'myRoles'],
      );
      const [user] = chat.pim.listEligibilities.firstCall.args;
      assert.equal(user.userId, ALICE.aadObjectId);
    });
  }

  it('"my roles" shows active roles with the time left and what else can be activated', async () => {
    const pim = fakePim();
    pim.listActive.resolves([activeGlobalReader(118)]);
    const chat = startChat(pim);
    const [card] = await chat.say('my roles');
    const text = cardText(card);
    assert.match(text, /Active now/);
    assert.match(text, /Global Reader\nBolder/, 'the role in bold (a TextBlock weight, never Markdown)');
    assert.match(text, /1 hour 58 minutes left/);
    assert.match(text, /Until \{\{DATE\(2025-03-03T12:00:00Z, SHORT\)\}\} \{\{TIME\(2025-03-03T12:00:00Z\)\}\}/);
    const activatable = submitActions(card)
      .filter((a) => a.data['action'] === 'pickRole')
      .map((a) => a.data['eligibilityKey']);
    assert.deepEqual(activatable, [KEYS.userAdministrator, KEYS.securityAdministrator], 'an active role is not offered again');
  });

  it('"my access" with nothing active says so', async () => {
    const chat = startChat();
    const [card] = await chat.say('my access');
    assert.match(cardText(card), /Nothing is active right now/);
  });

  it('leaves out assignments that already ended', async () => {
    const pim = fakePim();
    pim.listActive.resolves([activeGlobalReader(-1)]);
    const chat = startChat(pim);
    const [card] = await chat.say('my roles');
    assert.match(cardText(card), /Nothing is active right now/);
  });

  it('the welcome card buttons start the flows', async () => {
    const chat = startChat();
    const [list] = await chat.say(submit({ action: 'activate' }));
    assert.match(cardText(list), /Which role do you need\?/);
    await chat.say('cancel');
    const [roles] = await chat.say(submit({ action: 'myRoles' }));
    assert.match(cardText(roles), /My roles/);
  });

  it('answers something it does not understand with what it can do', async () => {
    const chat = startChat();
    const [reply] = await chat.say('make me a sandwich');
    assert.match(reply!.text ?? '', /Say "activate"/);
  });

  it('"hi" in the middle of a flow explains and asks the question again', async () => {
    const chat = startChat();
    await chat.say('activate global reader');
    const replies = await chat.say('help');
    assert.match(replies[0]!.text ?? '', /middle of activating a role/);
    assert.match(cardText(replies[1]), /How long do you need Global Reader\?/);
  });

  it("refuses to act without the sender's Entra identity", async () => {
    const chat = startChat();
    const replies = await chat.say('activate', { id: '29:someone', name: 'Someone' });
    assert.match(replies[0]!.text ?? '', /can't tell who you are/);
    assert.equal(chat.pim.listEligibilities.callCount, 0);
  });

  it('lists roles from every surface the service returns', async () => {
    const [first] = aliceEligibilities();
    const group = {
      eligibility: {
        ...first!.eligibility,
        key: eligibilityKey('group', 'g1', 'member'),
        surface: 'group' as const,
        roleId: 'member',
        roleName: 'Member',
        scope: { id: 'g1', displayName: 'SRE On-Call', kind: 'group' as const },
      },
      constraints: first!.constraints,
    };
    const chat = startChat(fakePim([first!, group]));
    const [list] = await chat.say('activate');
    assert.match(cardText(list), /Member of SRE On-Call/);
  });
});
