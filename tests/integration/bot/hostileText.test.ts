// Hostile text against the real bot over HTTP (its own process, emulator, Azurite, recording
// connector): messages built to make the parsers work hard, at Teams' 4,000-character limit and just
// under the command cap, while another loop keeps asking /healthz. Every message gets a plain answer,
// nothing crashes, and the process keeps answering its health probe throughout: before the parsers
// were made linear, "who activated a a a ..." alone held the process for minutes.
import assert from 'node:assert/strict';
import { ALICE_USER } from '../../../emulator/stack/chatUsers';
import { textOf, type ChatUser } from '../../../emulator/stack/chatDriver';
import { TURN_ERROR_MESSAGE } from '../../../bot/turnError';
import { MAX_COMMAND_LENGTH, TOO_LONG_FOR_A_COMMAND } from '../../../dialogs/parsing/limits';
import { DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import type { BotProcess } from '../../../emulator/stack/botProcess';
import { startLocalStack, type LocalStack } from '../../../emulator/stack/localStack';
import { hostileMessages } from '../../../emulator/stack/hostileText';

const CAROL_USER: ChatUser = { id: '29:carol', name: DEMO_USERS.carol.displayName, aadObjectId: DEMO_USERS.carol.id };
/**
 * A liveness bound, not a performance target: /healthz does no work, so a gap this long between two
 * of its answers means the event loop was held (a quiet turn on this machine leaves gaps of tens of ms).
 */
const MAX_HEALTH_GAP_MS = 2000;
const STACK_TRACE = /\bat [\w.<>]+ \(?[^)\s]+\.(ts|js):\d+|Error: .*\n\s+at /;

interface HealthWatch {
  stop(): Promise<{ answered: number; failures: string[]; maxGapMs: number }>;
}

/** Asks /healthz one request after another until stopped; records every answer and the longest gap between two. */
function watchHealth(port: number): HealthWatch {
  let running = true;
  let answered = 0;
  let maxGapMs = 0;
  const failures: string[] = [];
  let last = performance.now();
  const loop = (async () => {
    while (running) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(60_000) });
        await response.arrayBuffer();
        if (response.status !== 200) failures.push(`HTTP ${response.status}`);
        else answered++;
      } catch (error) {
        failures.push(`no answer: ${(error as Error).message}`);
      }
      const now = performance.now();
      maxGapMs = Math.max(maxGapMs, now - last);
      last = now;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { answered, failures, maxGapMs: Math.round(maxGapMs) };
    },
  };
}

describe('hostile text over HTTP: every parser bounded, /healthz answered throughout', function () {
  this.timeout(180_000);
  let stack: LocalStack;
  let bot: BotProcess;

  before(async () => {
    stack = await startLocalStack({ name: 'hostile' });
    bot = await stack.startBotProcess();
  });

  after(async () => {
    await bot?.stop();
    await stack?.stop();
  });

  it('answers every message plainly and keeps answering /healthz', async () => {
    const say = (user: ChatUser, text: string) => stack.chat(bot.endpoint, user, { timeoutMs: 120_000 }).say(text);
    // Warm: the first date-time read builds the recognizer's models (a second of CPU, once per process).
    assert.match(textOf((await say(ALICE_USER, 'activate global reader until 5pm because audit')).replies), /\S/);
    assert.match(textOf((await say(CAROL_USER, 'who activated Global Reader this week')).replies), /\S/);

    const messages = [
      ...hostileMessages(4000).map((m) => ({ ...m, overCap: true })),
      ...hostileMessages(MAX_COMMAND_LENGTH).map((m) => ({ ...m, overCap: false })),
    ];
    const problems: string[] = [];
    const watch = watchHealth(bot.port);
    try {
      for (const message of messages) {
        // Carol is a PIM administrator, so her admin questions reach the directory and name resolution too.
        for (const user of [ALICE_USER, CAROL_USER]) {
          const turn = await say(user, message.text);
          const text = textOf(turn.replies);
          const label = `${message.family} (${message.text.length} chars, ${user.name})`;
          if (turn.status !== 200) problems.push(`${label}: HTTP ${turn.status}`);
          else if (text.trim() === '') problems.push(`${label}: no reply`);
          if (text.includes(TURN_ERROR_MESSAGE)) problems.push(`${label}: the turn failed`);
          if (STACK_TRACE.test(text)) problems.push(`${label}: the reply leaks a stack trace`);
          if (message.overCap && !text.includes(TOO_LONG_FOR_A_COMMAND))
            problems.push(`${label}: not told the message is too long: ${text.slice(0, 120)}`);
        }
      }
    } finally {
      const health = await watch.stop();
      process.stdout.write(
        `      ${messages.length} messages (${messages.length * 2} turns); /healthz answered ${health.answered} times, longest gap ${health.maxGapMs} ms\n`,
      );
      assert.deepEqual(health.failures, [], '/healthz answered every time');
      assert.ok(health.answered > messages.length, `/healthz was asked throughout (${health.answered} answers)`);
      assert.ok(health.maxGapMs < MAX_HEALTH_GAP_MS, `the longest wait for /healthz was ${health.maxGapMs} ms`);
    }
    assert.deepEqual(problems, []);
    assert.equal(bot.exit(), undefined, `the bot process is still running: ${bot.stderr()}`);
    assert.deepEqual(bot.unhandledRejections(), []);
    assert.deepEqual(
      bot
        .errorLogs()
        .filter((l) => l.includes('"level":"error"'))
        .slice(0, 3),
      [],
      'no error logged',
    );
  });
});
