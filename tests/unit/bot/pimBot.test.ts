import assert from 'node:assert/strict';
import { MemoryStorage, TestAdapter, type Activity } from 'botbuilder';
import sinon from 'sinon';
import { createTurnErrorHandler, TURN_ERROR_MESSAGE } from '../../../bot/turnError';
import { ALICE, cardText, createBotHarness, fakePim, KEYS, replyText, type BotHarness } from '../../support/botHarness';

function submit(data: Record<string, unknown>): Partial<Activity> {
  return { value: data };
}

describe('PimBot', () => {
  describe('malformed messages get a clear answer and change nothing', () => {
    const cases: Array<[string, Partial<Activity>, RegExp]> = [
      ['no text and no value', { text: '' }, /I can only read text and card buttons/],
      ['only whitespace', { text: '   \n ' }, /I can only read text and card buttons/],
      ['text that is not a string', { text: 42 as unknown as string }, /couldn't read that message/],
      ['a huge text', { text: 'activate '.repeat(1000) }, /too long for me/],
      ['a value that is an array', { value: [1, 2] }, /wasn't in a form I understand/],
      ['a value that is a string', { value: 'pickRole' }, /wasn't in a form I understand/],
      ['a huge value', { value: { action: 'submitJustification', justification: 'x'.repeat(20_000) } }, /too large/],
      ['an attachment only', { attachments: [{ contentType: 'image/png', contentUrl: 'https://example.test/cat.png' }] }, /only read text/],
    ];
    for (const [what, activity, message] of cases) {
      it(what, async () => {
        const pim = fakePim();
        const bot = createBotHarness({ pim });
        await bot.send('activate');
        await bot.send(submit({ action: 'pickRole', eligibilityKey: KEYS.globalReader }));
        const writes = sinon.spy(bot.storage, 'write');

        const replies = await bot.send(activity);
        assert.equal(replies.length, 1);
        assert.match(replies[0]!.text ?? '', message);
        assert.equal(writes.callCount, 0, 'no state written');
        assert.equal(pim.activate.callCount, 0);

        // ... and the flow carries on where it was.
        const [next] = await bot.send(submit({ action: 'setDuration', duration: '2h' }));
        assert.match(cardText(next), /Why do you need Global Reader\?/);
      });
    }
  });

  it('refuses to act for a sender without an Entra object id', async () => {
    const pim = fakePim();
    const bot = createBotHarness({ pim });
    const writes = sinon.spy(bot.storage, 'write');
    const replies = await bot.send('activate', null);
    assert.match(replies[0]!.text ?? '', /can't tell who you are/);
    assert.equal(pim.listEligibilities.callCount, 0);
    assert.equal(writes.callCount, 0);
  });

  it('welcomes once on install, with her roles', async () => {
    const bot = createBotHarness({ pim: fakePim() });
    // Teams sends both events for one install, at the same instant.
    const [added, installed] = await Promise.all([
      bot.send({ type: 'conversationUpdate', membersAdded: [{ id: 'bot', name: 'PIM Bot' }], recipient: { id: 'bot', name: 'PIM Bot' } }),
      bot.send({ type: 'installationUpdate', action: 'add' }),
    ]);
    assert.equal(added.length + installed.length, 1, 'one welcome for one install');
    const welcome = [...added, ...installed][0];
    assert.match(cardText(welcome), /Hi Alice, I'm your PIM assistant/);
    assert.match(cardText(welcome), /Global Reader/);
    const again = await bot.send({ type: 'installationUpdate', action: 'add' });
    assert.equal(again.length, 0, 'a repeated installationUpdate does not welcome twice');
    const [hi] = await bot.send('hi');
    assert.match(cardText(hi), /I'm your PIM assistant/, '"hi" always answers');
  });

  it('saves the dialog state at the end of every turn', async () => {
    const storage = new MemoryStorage();
    const bot = createBotHarness({ pim: fakePim(), storage });
    await bot.send('activate global reader');
    const key = `msteams/conversations/${bot.adapter.conversation.conversation.id}/`;
    const stored = await storage.read([key]);
    assert.ok(stored[key]?.['DialogState'], 'dialog state is in storage after the turn');
  });

  describe('restart', () => {
    it('a dialog started on one instance continues on a brand-new instance sharing the storage', async () => {
      const storage = new MemoryStorage();
      const first = createBotHarness({ pim: fakePim(), storage });
      const [list] = await first.send('activate');
      assert.match(cardText(list), /Which role do you need\?/);
      await first.send(submit({ action: 'pickRole', eligibilityKey: KEYS.globalReader }));

      // New adapter, bot, state objects and PIM fake: only the storage is shared.
      const pim = fakePim();
      const second: BotHarness = createBotHarness({ pim, storage });
      const [form] = await second.send(submit({ action: 'setDuration', duration: '2h' }));
      assert.match(cardText(form), /Why do you need Global Reader\?/);
      assert.match(cardText(form), /2 hours/);

      const third = createBotHarness({ pim, storage });
      const [result] = await third.send(submit({ action: 'submitJustification', justification: 'Audit' }));
      assert.match(replyText(result), /Global Reader is active/);
      assert.equal(pim.activate.callCount, 1);
      assert.deepEqual(pim.activate.firstCall.args[1], { eligibilityKey: KEYS.globalReader, durationMinutes: 120, justification: 'Audit' });
      assert.equal(pim.activate.firstCall.args[0].userId, ALICE.aadObjectId);
    });
  });

  describe('turn errors', () => {
    it('tells the user something plain and logs without the token', async () => {
      const lines: string[] = [];
      const logger = {
        info: () => {},
        warn: () => {},
        error: (m: string, f?: Record<string, unknown>) => lines.push(`${m} ${JSON.stringify(f)}`),
      };
      const adapter = new TestAdapter(async () => {
        throw new Error('request failed with Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl');
      });
      adapter.onTurnError = createTurnErrorHandler(logger);
      await adapter.send('hi').assertReply(TURN_ERROR_MESSAGE).startTest();
      assert.equal(lines.length, 1);
      assert.doesNotMatch(lines[0]!, /eyJ/);
      assert.doesNotMatch(TURN_ERROR_MESSAGE, /Error|at /);
    });
  });
});
