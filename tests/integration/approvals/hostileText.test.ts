// Hostile text and scheduled starts over HTTP with nothing stubbed (the tenant emulator, Azurite, the bot on
// restify, one recording connector per persona): what Alice types reaches Bob's card inert, what Bob
// types reaches Alice inert, and a scheduled request says when it starts on every card, is reported as
// scheduled, and is refused before PIM when it lies too far ahead.
import assert from 'node:assert/strict';
import type { BotApp } from '../../../bot/server';
import { cardOf, executeData, startApprovalWorld, startBotInProcess, until, type ApprovalWorld } from './approvalHarness';

/** Every string a person reads on a card (action data, the schema's address and button URLs aside). */
function shown(card: unknown): string {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (typeof n === 'string') out.push(n);
    else if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') for (const [k, v] of Object.entries(n)) if (!['data', '$schema', 'url'].includes(k)) walk(v);
  };
  walk(card);
  return out.join('\n');
}

const BIDI_OR_ZERO_WIDTH = /[\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/u;

function assertInert(text: string, where: string): void {
  assert.doesNotMatch(text, /\]\(/, `${where}: a Markdown link`);
  assert.doesNotMatch(text, /<a\b/i, `${where}: an HTML anchor`);
  assert.doesNotMatch(text, /https?:\/\//i, `${where}: a raw URL`);
  assert.doesNotMatch(text, /evil\.example/, `${where}: a bare host name`);
  assert.doesNotMatch(text, BIDI_OR_ZERO_WIDTH, `${where}: a bidi or zero-width character`);
}

const PHISH = '[Open PIM to approve](https://evil.example/approve) <a href="https://evil.example">Approve</a> inv\u202Eoice\u200B';
const DENY_REASON = '[Ask again here](https://evil.example/again) or www.evil.example';

describe('hostile text and scheduled starts over HTTP (issue 13, items 4 and 5)', function () {
  this.timeout(120_000);
  let world: ApprovalWorld;
  let app: BotApp | undefined;

  before(async () => {
    world = await startApprovalWorld();
    app = await startBotInProcess(world, []);
  });

  after(async () => {
    await app?.close();
    await world?.close();
  });

  beforeEach(async () => {
    await world.tenant.reset();
    world.tenant.clock.useRealTime();
  });

  it("Alice's justification reaches Bob's card inert; Bob's deny reason reaches Alice inert", async () => {
    const { bobCard, waiting } = await world.request([
      'activate user administrator',
      { value: { action: 'setDuration', duration: '1h' } },
      { value: { action: 'submitJustification', justification: PHISH, ticketNumber: 'INC-42' } },
    ]);
    const bobText = shown(cardOf(bobCard.activity));
    assertInert(bobText, "Bob's card");
    assert.match(bobText, /Open PIM to approve/, 'the words are shown, as words');

    const aliceMark = world.people.alice.connector.activities.length;
    await world.click('bob', 'deny', { ...executeData(cardOf(bobCard.activity), 'deny')!, reason: DENY_REASON });
    const told = await until('Alice told', () =>
      world.people.alice.connector.since(aliceMark).find((a) => a.method === 'POST' && /denied your request/.test(a.activity.text ?? '')),
    );
    assertInert(told.activity.text!, 'the outcome message');
    assert.match(told.activity.text!, /Ask again here/);
    const card = await until("Alice's waiting card updated", () => {
      const update = world.people.alice.connector.activities.filter((a) => a.method === 'PUT' && a.targetActivityId === waiting.id).pop();
      const text = shown(cardOf(update?.activity));
      return /Denied by Bob Brown/.test(text) ? text : undefined;
    });
    assertInert(card, "Alice's updated card");
  });

  it("a scheduled request shows its start and end on Bob's and Alice's cards", async () => {
    const { bobCard, waiting } = await world.request(['activate user administrator tomorrow 9am for 2h ticket INC-42 because audit']);
    for (const [who, text] of [
      ['Bob', shown(cardOf(bobCard.activity))],
      ['Alice', shown(cardOf(waiting.activity))],
    ] as const) {
      assert.match(
        text,
        /Starts\n\{\{DATE\(\d{4}-\d\d-\d\dT09:00:00Z, SHORT\)\}\} \{\{TIME\(\d{4}-\d\d-\d\dT09:00:00Z\)\}\} your time \(\d{4}-\d\d-\d\d 09:00 UTC\)/,
        `${who}'s card`,
      );
      assert.match(text, /Ends\n.*\(\d{4}-\d\d-\d\d 11:00 UTC\)/, `${who}'s card`);
    }
  });

  it('a scheduled activation is reported as scheduled, not "Role activated"; one beyond the horizon is refused before PIM', async () => {
    const replies = await world.say('alice', 'activate global reader tomorrow 9am for 1h because audit');
    const result = replies.map((r) => shown(cardOf(r.activity))).join('\n');
    assert.doesNotMatch(result, /Role activated/);
    assert.match(result, /Global Reader is scheduled/);
    assert.match(result, /scheduled to start at \{\{DATE\(\d{4}-\d\d-\d\dT09:00:00Z, SHORT\)\}\}/);

    const mark = world.tenant.requestLog.entries().length;
    const refused = (await world.say('alice', 'activate global reader from january 5 2099 9am for 1h because audit'))
      .map((r) => shown(cardOf(r.activity)))
      .join('\n');
    // No zone in her turn: the card leaves the start to her client, which writes it in her own time.
    assert.match(refused, /\{\{DATE\(2099-01-05T09:00:00Z, SHORT\)\}\} \{\{TIME\(2099-01-05T09:00:00Z\)\}\}, is more than 14 days ahead/);
    const posts = world.tenant.requestLog
      .entries()
      .slice(mark)
      .filter((e) => e.method !== 'GET');
    assert.deepEqual(
      posts.map((p) => `${p.method} ${p.path}`),
      [],
      'nothing sent to PIM',
    );
  });
});
