// The conversation directory keeps each person's time zone beside their 1:1 chat, so what the bot
// sends them outside a turn (an approval's outcome, a reminder) can show their local times. The zone
// comes from the client, so only a real IANA zone is kept.
import assert from 'node:assert/strict';
import { MemoryStorage, TestAdapter, TurnContext, type Activity } from 'botbuilder';
import { ConversationDirectory } from '../../../bot/conversationDirectory';

const ALICE = '00000000-0000-4000-8000-0000000000a1';

function turn(extra: Partial<Activity>): TurnContext {
  return new TurnContext(new TestAdapter(), {
    type: 'message',
    channelId: 'msteams',
    serviceUrl: 'https://smba.example/amer/',
    conversation: { id: 'a:alice-1', conversationType: 'personal', isGroup: false, name: '' },
    from: { id: '29:alice', name: 'Alice Adams', aadObjectId: ALICE },
    recipient: { id: '28:bot', name: 'PIM Bot' },
    text: 'hi',
    ...extra,
  } as Activity);
}

describe('conversation directory: the time zone beside the 1:1 chat', () => {
  it("keeps the zone Teams reports (localTimezone or the clientInfo entity), and follows the person's travels", async () => {
    const directory = new ConversationDirectory(new MemoryStorage());
    await directory.capture(turn({ localTimezone: 'Europe/Berlin' }));
    assert.equal((await directory.personal(ALICE))?.timeZone, 'Europe/Berlin');
    assert.equal((await directory.personal(ALICE))?.reference.conversation?.id, 'a:alice-1');

    await directory.capture(turn({ entities: [{ type: 'clientInfo', timezone: 'America/New_York', locale: 'en-US' }] }));
    assert.equal((await directory.personal(ALICE))?.timeZone, 'America/New_York');
  });

  it('a message that names no zone keeps the one known; another instance reads it from storage', async () => {
    const storage = new MemoryStorage();
    const directory = new ConversationDirectory(storage);
    await directory.capture(turn({ localTimezone: 'Asia/Tokyo' }));
    await directory.capture(turn({ conversation: { id: 'a:alice-2', conversationType: 'personal', isGroup: false, name: '' } }));
    const stored = await new ConversationDirectory(storage).personal(ALICE);
    assert.equal(stored?.reference.conversation?.id, 'a:alice-2', 'the new chat is stored');
    assert.equal(stored?.timeZone, 'Asia/Tokyo');
  });

  it('a new instance (or one that forgot the person) keeps the stored zone when a message names none', async () => {
    const storage = new MemoryStorage();
    await new ConversationDirectory(storage).capture(turn({ localTimezone: 'Asia/Tokyo' }));
    await new ConversationDirectory(storage).capture(
      turn({ conversation: { id: 'a:alice-3', conversationType: 'personal', isGroup: false, name: '' } }),
    );
    const stored = await new ConversationDirectory(storage).personal(ALICE);
    assert.equal(stored?.reference.conversation?.id, 'a:alice-3');
    assert.equal(stored?.timeZone, 'Asia/Tokyo');
  });

  it('remembers a bounded number of people: an unchanged reference costs no write, a forgotten one costs one', async () => {
    const storage = new MemoryStorage();
    const writes: string[] = [];
    const write = storage.write.bind(storage);
    storage.write = async (changes) => {
      writes.push(...Object.keys(changes));
      return write(changes);
    };
    const directory = new ConversationDirectory(storage, () => new Date(), 2);
    const person = (n: number) =>
      turn({ localTimezone: 'UTC', from: { id: `29:p${n}`, name: `P${n}`, aadObjectId: `00000000-0000-4000-8000-00000000000${n}` } });
    for (const n of [1, 2, 1, 3]) await directory.capture(person(n));
    assert.equal(writes.length, 3, 'person 1 again, while remembered: no write');
    await directory.capture(person(1));
    assert.equal(writes.length, 3, 'seen recently, so kept when person 3 came');
    await directory.capture(person(2));
    assert.equal(writes.length, 4, 'person 2 was the least recently seen, forgotten, and written again');
  });

  it('keeps no zone that is not one: unknown names, hostile text, overlong values, other types', async () => {
    for (const bad of ['Mars/Olympus_Mons', '<b>Europe/Berlin</b>', `Europe/${'A'.repeat(200)}`, '', 42, { zone: 'UTC' }]) {
      const directory = new ConversationDirectory(new MemoryStorage());
      await directory.capture(turn({ localTimezone: bad as string }));
      const chat = await directory.personal(ALICE);
      assert.ok(chat, 'the chat itself is still kept');
      assert.equal(chat.timeZone, undefined, JSON.stringify(bad));
    }
  });
});
