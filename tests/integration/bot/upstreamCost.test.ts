// The cost rule: once a conversation is warm (the user's eligibilities and their policies are
// in the bot's 60 s cache), one activation costs at most 2 Graph/ARM calls: PIM's own dry run and
// the create. Counted from the emulator's request log over the whole bot (HTTP, Azurite, real SDK
// clients). Token endpoint and emulated SSO calls are identity, not Graph/ARM, and are not counted
// (msal-node caches those tokens; the first turn of a run fetches them).
import assert from 'node:assert/strict';
import type { RequestLogEntry } from '../../../emulator/tenant';
import { cardText } from '../../support/botHarness';
import { requesterSuite } from './requesterHarness';

/** Graph (/v1.0, /beta) and ARM (Microsoft.Authorization and friends); not /{tenant}/oauth2, /emulator/sso, discovery. */
export function upstreamCalls(entries: readonly RequestLogEntry[]): RequestLogEntry[] {
  return entries.filter((e) => /^\/(v1\.0|beta)\//.test(e.path) || /\/providers\/Microsoft\./i.test(e.path));
}

describe('upstream cost of an activation in a warm conversation', function () {
  this.timeout(60_000);
  const h = requesterSuite();
  beforeEach(async () => {
    // The warm-up turn: the list of everything Alice can activate (eligibilities + policies, all surfaces).
    const [list] = await h.say('activate');
    assert.match(cardText(list), /Global Reader/);
    await h.say('cancel');
  });

  const cases: Array<[string, string]> = [
    ['an Entra role', 'activate global reader for 1h because checking sign-ins'],
    ['a PIM group', 'activate sre on-call member for 1h because incident 7'],
    ['an Azure resource role', 'activate reader on rg-web for 30m because deploy hotfix'],
  ];
  for (const [surface, sentence] of cases) {
    it(`${surface}: at most 2 Graph/ARM calls, and the result says the access is in place`, async () => {
      h.tenant.requestLog.clear();
      const replies = await h.say(sentence);
      const calls = upstreamCalls(h.tenant.requestLog.entries());
      const text = replies.map(cardText).join('\n');
      assert.match(text, /Role activated|is in place/, text.slice(0, 400));
      assert.ok(calls.length <= 2, `${calls.length} upstream calls:\n${calls.map((c) => `${c.method} ${c.path}?${c.query} → ${c.status}`).join('\n')}`);
      assert.ok(calls.some((c) => c.method !== 'GET' && !c.path.endsWith('/validate') && c.status === 201), 'the create went upstream');
    });
  }
});
