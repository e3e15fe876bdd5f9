// The parsers on hostile text: results stay right and the work stays bounded (counted in recognizer
// calls, never timed). Before, "who activated a a a ..." backtracked for minutes and every repeated
// time word cost the date-time recognizer up to six more calls.
import assert from 'node:assert/strict';
import { DateTimeModel } from '@microsoft/recognizers-text-date-time';
import sinon from 'sinon';
import { parseAdminQuestion } from '../../../../dialogs/admin/grammar';
import { resolveRole, resolveUser } from '../../../../dialogs/admin/slots';
import { isCancel, parseCommand } from '../../../../dialogs/parsing/command';
import { editDistance, isKeyword } from '../../../../dialogs/parsing/fuzzy';
import { MAX_COMMAND_LENGTH, TOO_LONG_FOR_A_COMMAND } from '../../../../dialogs/parsing/limits';
import { CALLS_PER_MESSAGE } from '../../../../dialogs/parsing/recognizer';
import { parseRequest } from '../../../../dialogs/parsing/request';
import { matchName, type Searchable } from '../../../../dialogs/parsing/resolve';
import { tokenize } from '../../../../dialogs/parsing/tokens';
import { seededRandom } from '../../../../emulator/stack/random';
import { cardText, KEYS, NOW, replyText } from '../../../support/botHarness';
import { hostileMessages } from '../../../../emulator/stack/hostileText';
import { startChat, submit } from '../dialogClient';

const context = { now: NOW, timeZone: 'Europe/Berlin' };
const words = (word: string, count: number) => Array.from({ length: count }, () => word).join(' ');

/** Date-time recognizer calls `run` makes (counted on the model itself, however it is reached). */
function callsOf(run: () => unknown): number {
  const parse = sinon.spy(DateTimeModel.prototype, 'parse');
  try {
    run();
    return parse.callCount;
  } finally {
    parse.restore();
  }
}

describe('parsers on hostile text', function () {
  // Generous: on the old code the first of these alone ran for minutes.
  this.timeout(60_000);

  describe('admin grammar', () => {
    it('reads "who activated" + 300 one-letter words as one long (unknown) role name', () => {
      const sentence = `who activated ${words('a', 300)}`;
      assert.ok(sentence.length <= MAX_COMMAND_LENGTH);
      assert.deepEqual(parseAdminQuestion(sentence), { intent: 'activity', slots: { role: words('a', 300) } });
    });

    it('still finds a period after 200 words of name', () => {
      assert.deepEqual(parseAdminQuestion(`who activated ${words('x', 200)} in the last 7 days`), {
        intent: 'activity',
        slots: { role: words('x', 200), period: 'in the last 7 days' },
      });
    });

    it('takes the shortest role before a repeated scope keyword, as the backtracking matcher did', () => {
      const scope = Array.from({ length: 120 }, () => 'a').join(' on ');
      assert.deepEqual(parseAdminQuestion(`who is eligible for a on ${scope}`), { intent: 'eligible', slots: { role: 'a', scope } });
    });

    it('reads nothing past the command cap', () => {
      assert.equal(parseAdminQuestion(`who activated ${words('a', 2000)}`.slice(0, 4000)), undefined);
    });
  });

  describe('request parser', () => {
    it('reads the first of 60 repeated "until 5pm" and calls the recognizer a bounded number of times', () => {
      let parsed: ReturnType<typeof parseRequest> | undefined;
      // + 1: the end is read once more against the start, outside the sentence's meter.
      const calls = callsOf(() => (parsed = parseRequest(`reader ${words('until 5pm', 60)}`, context)));
      assert.ok(calls > 0 && calls <= CALLS_PER_MESSAGE + 1, `${calls} recognizer calls`);
      assert.equal(parsed!.targets[0]?.role, 'reader');
      assert.equal(parsed!.until?.toISOString(), '2025-03-03T16:00:00.000Z', '5pm in Berlin');
      assert.equal(parsed!.durationMinutes, 358);
    });

    it('reads 200 repeated "2h" without the recognizer (the longest phrase, 6 of them, adds up as before)', () => {
      let parsed: ReturnType<typeof parseRequest> | undefined;
      assert.equal(
        callsOf(() => (parsed = parseRequest(`reader ${words('2h', 200)}`, context))),
        0,
      );
      assert.equal(parsed!.durationMinutes, 720);
      assert.equal(parsed!.targets[0]?.role, 'reader');
    });

    it('stops trying phrases after a few repeated keywords: the duration is then asked for, not guessed', () => {
      let parsed: ReturnType<typeof parseRequest> | undefined;
      const calls = callsOf(() => (parsed = parseRequest(`reader ${words('for', 150)} 2h`, context)));
      assert.ok(calls <= CALLS_PER_MESSAGE, `${calls} recognizer calls`);
      assert.equal(parsed!.durationMinutes, undefined);
      assert.equal(parsed!.targets.length, 1);
      assert.match(parsed!.targets[0]!.role, /^reader for for .* 2h$/);
    });

    it('keeps a long unbroken token whole, and reads nothing past the command cap', () => {
      const token = 'y'.repeat(MAX_COMMAND_LENGTH - 10);
      assert.deepEqual(parseRequest(`reader ${token}`, context).targets, [{ role: `reader ${token}` }]);
      assert.deepEqual(parseRequest(`reader ${'y'.repeat(4000)}`, context), { targetText: '', targets: [], problems: [] });
    });

    it('every hostile family just under the cap: no throw, recognizer calls within the meter', () => {
      for (const { family, text } of hostileMessages(MAX_COMMAND_LENGTH)) {
        const calls = callsOf(() => {
          parseCommand(text);
          parseAdminQuestion(text);
          parseRequest(text, context);
        });
        assert.ok(calls <= CALLS_PER_MESSAGE + 1, `${family}: ${calls} recognizer calls`);
      }
    });
  });

  describe('tokens, commands and names', () => {
    it('trims runs of punctuation from tokens exactly as before', () => {
      assert.deepEqual(
        tokenize(`(${')'.repeat(3000)}`).map((t) => t.text),
        [],
      );
      assert.deepEqual(
        tokenize(`a${')'.repeat(3000)}b.`).map((t) => t.text),
        [`a${')'.repeat(3000)}b`],
      );
      assert.deepEqual(
        tokenize(`"login."${'!'.repeat(50)} INC-42:`).map((t) => t.text),
        ['login', 'INC-42'],
      );
    });

    it('reads a command up to the cap and calls anything longer too long', () => {
      const atCap = `activate ${'x'.repeat(MAX_COMMAND_LENGTH - 9)}`;
      assert.equal(atCap.length, MAX_COMMAND_LENGTH);
      assert.equal(parseCommand(atCap).kind, 'activate');
      assert.deepEqual(parseCommand(`${atCap}x`), { kind: 'tooLong' });
      assert.equal(isCancel(`cancel${'!'.repeat(4000)}`), false);
      assert.equal(isCancel('cancel!!!'), true);
    });

    it('compares a long token only within the typo allowance (banded edit distance, same answers)', () => {
      const long = 'x'.repeat(4000);
      assert.equal(editDistance(long, `${long.slice(2)}yy`, 2), 2);
      assert.equal(editDistance(long, 'y'.repeat(4000), 2), 3);
      assert.equal(isKeyword(long, 'activate'), false);
      // Against the full matrix on random short words.
      const random = seededRandom(13);
      const word = () => Array.from({ length: Math.floor(random() * 10) }, () => 'abc'[Math.floor(random() * 3)]).join('');
      for (let k = 0; k < 3000; k++) {
        const [a, b] = [word(), word()];
        const cap = [0, 1, 2, 8, Number.POSITIVE_INFINITY][k % 5]!;
        const full = fullDistance(a, b);
        assert.equal(editDistance(a, b, cap), full > cap ? cap + 1 : full, `${a} / ${b} within ${cap}`);
      }
    });

    it('finds no role, user or group in a name longer than a command', () => {
      const choices: Searchable[] = [{ key: 'gr', name: 'Global Reader', roleName: 'Global Reader', scopeName: 'Directory' }];
      assert.deepEqual(matchName(`global reader ${' '.repeat(MAX_COMMAND_LENGTH)}`, choices), { kind: 'none', closest: [] });
      assert.equal(matchName('globl reader', choices).kind, 'one');
      const dir = {
        roles: [{ id: 'gr', name: 'Global Reader' }],
        users: [{ id: 'a', name: 'Alice Adams', userPrincipalName: 'alice@contoso.example' }],
        groups: [{ id: 'sre', name: 'SRE On-Call' }],
        azureScopes: [],
        azureRoles: [],
        alerts: [],
      };
      assert.equal(resolveRole(`Global Reader${' '.repeat(MAX_COMMAND_LENGTH)}x`, undefined, dir).ok, false);
      assert.deepEqual(resolveRole(`owners of   SRE   On-Call`, undefined, dir), {
        ok: true,
        value: { surface: 'group', groupId: 'sre', groupName: 'SRE On-Call', accessId: 'owner' },
      });
      assert.equal(resolveUser(`alice ${'a '.repeat(400)}`, 'me', dir).ok, false);
    });
  });

  describe('the bot', () => {
    it('answers a message over the cap plainly and asks PIM nothing', async () => {
      const chat = startChat();
      const replies = await chat.say(`activate global reader for 2h because ${'x '.repeat(MAX_COMMAND_LENGTH)}`);
      assert.deepEqual(
        replies.map((r) => replyText(r).trim()),
        [TOO_LONG_FOR_A_COMMAND],
      );
      assert.equal(chat.pim.listEligibilities.callCount, 0);
      assert.equal(chat.pim.activate.callCount, 0);
    });

    it('a role name typed at the role list is not read past the cap', async () => {
      const chat = startChat();
      await chat.say('activate');
      const replies = await chat.say(`global reader ${'and reader '.repeat(80)}`);
      assert.match(replies.map((r) => replyText(r) + cardText(r)).join('\n'), /too long to be a role name/);
      assert.equal(chat.pim.activate.callCount, 0);
    });

    it("a justification typed at its prompt keeps its own limit (PIM's 500), whatever the command cap", async () => {
      const chat = startChat();
      await chat.say('activate global reader');
      await chat.say(submit({ action: 'setDuration', duration: '2h' }));
      const [tooLong] = await chat.say('y'.repeat(800));
      assert.match(replyText(tooLong) + cardText(tooLong), /800 characters; PIM takes at most 500/);
      const [done] = await chat.say('Quarterly access review');
      assert.match(cardText(done), /Global Reader is active/);
      assert.equal(chat.pim.activate.firstCall?.args[1].eligibilityKey ?? KEYS.globalReader, KEYS.globalReader);
    });
  });
});

function fullDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}
