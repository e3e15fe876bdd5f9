// In a group chat or channel the bot shows nobody's roles: an install there gets an introduction
// without any, and with no way to reach the sender's 1:1 chat a question gets only how to start one.
import assert from 'node:assert/strict';
import { START_PRIVATE_CHAT_TEXT } from '../../../bot/privateChat';
import { createBotHarness, fakePim } from '../../support/botHarness';

const GROUP = {
  id: '19:group@thread.v2',
  conversationType: 'groupChat',
  isGroup: true,
  name: 'Ops',
  tenantId: 'c0de0000-0000-4000-8000-00000000c0de',
};

describe('PimBot in shared conversations', () => {
  it("an install in a group chat introduces the bot without anyone's roles, and does not mark the installer welcomed", async () => {
    const pim = fakePim();
    const bot = createBotHarness({ pim });
    const replies = await bot.send({ type: 'installationUpdate', action: 'add', conversation: GROUP });
    assert.equal(replies.length, 1);
    assert.equal(replies[0]!.attachments, undefined, 'no card');
    assert.match(replies[0]!.text ?? '', /only in a 1:1 chat/);
    assert.doesNotMatch(replies[0]!.text ?? '', /Global Reader|Alice/);
    assert.equal(pim.listEligibilities.callCount, 0, 'PIM not asked');
    const personal = await bot.send({ type: 'installationUpdate', action: 'add' });
    assert.equal(personal.length, 1, 'her own install still gets its welcome');
  });

  it('"my roles" in a group chat or channel with no 1:1 chat to answer in: how to start one, nothing else, PIM not asked', async () => {
    const pim = fakePim();
    const bot = createBotHarness({ pim });
    for (const conversation of [GROUP, { ...GROUP, id: '19:x@thread.tacv2;messageid=1', conversationType: 'channel' }]) {
      const replies = await bot.send({ text: 'my roles', conversation });
      assert.deepEqual(
        replies.map((r) => [r.text, r.attachments]),
        [[START_PRIVATE_CHAT_TEXT, undefined]],
      );
    }
    assert.equal(pim.listActive.callCount + pim.listEligibilities.callCount, 0);
  });
});
