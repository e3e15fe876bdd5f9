// The understanding layer on hostile text (the families of emulator/stack/hostileText.ts plus its own: repeated filler, request
// phrases, questions, emoji, foreign words): it answers every message, reads nothing past the command
// cap, and its work grows with the message, never faster (counted in phrase comparisons, not timed).
import assert from 'node:assert/strict';
import { MAX_COMMAND_LENGTH } from '../../../../dialogs/parsing/limits';
import { CALLS_PER_MESSAGE, recognizerCalls } from '../../../../dialogs/parsing/recognizer';
import { readMessage } from '../../../../dialogs/understanding/readMessage';
import { understand, understandingComparisons } from '../../../../dialogs/understanding/understand';
import { hostileMessages } from '../../../../emulator/stack/hostileText';

const NOW = new Date('2025-03-03T10:02:00Z');

/** A prefix and a unit repeated to `length` characters. */
const repeat = (prefix: string, unit: string, length: number) => (prefix + unit.repeat(Math.ceil(length / unit.length))).slice(0, length);

const OWN_FAMILIES: ReadonlyArray<readonly [string, (n: number) => string]> = [
  ['i need i need', (n) => repeat('', 'i need ', n)],
  ['can i get please', (n) => repeat('could you ', 'please can i get ', n)],
  ['who approved who approved', (n) => repeat('', 'who approved ', n)],
  ['what did a approve', (n) => repeat('what did ', 'bob approve ', n)],
  ['turn off turn off', (n) => repeat('', 'turn off ', n)],
  ['emoji run', (n) => repeat('', '🙏', n)],
  ['german words', (n) => repeat('', 'ich brauche ', n)],
  ['mixed scripts', (n) => repeat('', 'роль Global ', n)],
  ['waiting for me', (n) => repeat('what is ', 'waiting for ', n)],
  ['deactvate typos', (n) => repeat('', 'deactvate extnd actvate ', n)],
];

const messages = (length: number) => [
  ...hostileMessages(length),
  ...OWN_FAMILIES.map(([family, make]) => ({ family, text: make(length) })),
];

describe('understanding on hostile text', function () {
  this.timeout(60_000);

  it('reads every family just under the command cap without throwing, within the recognizer meter', () => {
    for (const message of messages(MAX_COMMAND_LENGTH)) {
      const before = recognizerCalls();
      const read = readMessage(message.text, { now: NOW, timeZone: 'Europe/Berlin' });
      assert.ok(read.intent, message.family);
      assert.ok(recognizerCalls() - before <= CALLS_PER_MESSAGE, `${message.family}: ${recognizerCalls() - before} recognizer calls`);
    }
  });

  it('reads nothing past the command cap', () => {
    for (const message of messages(4000)) assert.equal(understand(message.text).intent, 'tooLong', message.family);
  });

  it('does work in proportion to the message: twice the text, about twice the word comparisons (a quadratic reader would make four times)', () => {
    const cost = (text: string) => {
      const before = understandingComparisons();
      understand(text);
      return understandingComparisons() - before;
    };
    for (const { family, text } of messages(MAX_COMMAND_LENGTH)) {
      const half = cost(text.slice(0, MAX_COMMAND_LENGTH / 2));
      const full = cost(text);
      assert.ok(
        full <= 2.2 * half + 200,
        `${family}: ${half} comparisons at ${MAX_COMMAND_LENGTH / 2} characters, ${full} at ${MAX_COMMAND_LENGTH}`,
      );
    }
  });
});
