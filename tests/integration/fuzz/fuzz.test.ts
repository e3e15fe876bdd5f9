// 10,000 generated malformed or hostile activities and invokes against /api/messages in local mode
// (real bot, emulator, Azurite, recording connector): no crash, no unhandled rejection, every one
// answered (a 4xx, or a plain reply), and the tenant changed by nothing. The bot runs in its own
// process (its unhandled rejections are reported back), so it has a core of its own.
import assert from 'node:assert/strict';
import { ALICE_USER } from '../../../emulator/stack/chatUsers';
import { textOf } from '../../../emulator/stack/chatDriver';
import { seededRandom } from '../../../emulator/stack/random';
import { TURN_ERROR_MESSAGE } from '../../../bot/turnError';
import { DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import type { BotProcess } from '../../../emulator/stack/botProcess';
import { startLocalStack, type LocalStack } from '../../../emulator/stack/localStack';
import type { RecordingConnector } from '../../../emulator/stack/recordingConnector';
import type { TenantEmulator } from '../../../emulator/tenant';
import { createFuzzer, type FuzzCase } from './generator';

const CASES = 10_000;
const CONCURRENCY = 24;
const SEED = 20_251_122;

/** The emulator paths that only read or sign in; anything else succeeding would be a change. */
const READ_ONLY = /\/oauth2\/v2\.0\/token$|\/emulator\/sso$|\/\.well-known\/|\/discovery\//;
const STACK_TRACE = /\bat [\w.<>]+ \(?[^)\s]+\.(ts|js):\d+|Error: .*\n\s+at /;
const TOKEN = /eyJ[\w-]{10,}\.[\w-]{10,}/;

describe('fuzzing /api/messages (10,000 hostile requests, local mode)', function () {
  this.timeout(120_000);
  let stack: LocalStack;
  let tenant: TenantEmulator;
  let connector: RecordingConnector;
  let bot: BotProcess;
  let endpoint: string;

  before(async () => {
    stack = await startLocalStack({ name: 'fuzz' });
    ({ tenant, connector } = stack);
    bot = await stack.startBotProcess({
      env: {
        // The approval sweep's first read of the pending request creates the emulator's approval record
        // (as PIM does lazily); on a busy machine the 10,000 requests outlast the 60 s default and that
        // read would count as a change made by the fuzz. The sweep has its own tests.
        APPROVAL_SWEEP_SECONDS: '3600',
      },
    });
    endpoint = bot.endpoint;
  });

  after(async () => {
    await bot?.stop();
    await stack?.stop();
  });

  it('answers every one plainly, never crashes, and changes nothing in PIM', async () => {
    // A real pending request of Alice's, whose id strangers then forge into cards and invokes.
    const alice = stack.chat(endpoint, ALICE_USER);
    await alice.say('activate user administrator');
    await alice.say({ value: { action: 'setDuration', duration: '90 minutes' } });
    const pending = await alice.say({
      value: { action: 'submitJustification', justification: 'Reset MFA for Erin', ticketNumber: 'INC-42' },
    });
    assert.match(textOf(pending.replies), /waiting for approval/);
    const othersRequestIds = tenant.state.assignmentRequests(DEMO_USERS.alice.id).map((r) => r.id);
    assert.equal(othersRequestIds.length, 1);

    const stateBefore = JSON.stringify(tenant.state.data);
    const logMark = tenant.requestLog.entries().length;
    // This process runs the emulator and the channel: nothing may go unhandled here either.
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);

    const next = createFuzzer(seededRandom(SEED), { serviceUrl: connector.url, othersRequestIds });
    const cases: FuzzCase[] = Array.from({ length: CASES }, next);
    const problems: string[] = [];
    const kinds = new Map<string, number>();
    const turnErrors: string[] = [];
    let cursor = 0;

    async function worker(): Promise<void> {
      while (cursor < cases.length) {
        const index = cursor++;
        const c = cases[index]!;
        kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
        const mark = connector.activities.length;
        let status: number;
        let body: string;
        try {
          const response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': c.contentType }, body: c.body });
          status = response.status;
          body = await response.text();
        } catch (e) {
          problems.push(`#${index} ${c.kind}: the request failed (${(e as Error).message})`);
          continue;
        }
        // 501 is the Bot Framework's answer to an invoke the bot does not implement.
        const unimplementedInvoke = status === 501 && c.kind === 'invoke' && c.activity?.['name'] !== 'adaptiveCard/action';
        if ((status >= 500 && !unimplementedInvoke) || status < 200)
          problems.push(`#${index} ${c.kind}: HTTP ${status} ${body.slice(0, 200)}`);
        if (STACK_TRACE.test(body) || TOKEN.test(body)) problems.push(`#${index} ${c.kind}: the HTTP answer leaks internals`);
        const id = c.activity?.['id'];
        const conversationId = (c.activity?.['conversation'] as { id?: unknown } | undefined)?.id;
        // A reply names the activity it answers; one without an id is answered into the conversation.
        const replies = connector
          .since(mark)
          .filter((r) =>
            typeof id === 'string' && id !== '' ? r.targetActivityId === id : r.conversationId === conversationId && !r.targetActivityId,
          );
        for (const r of replies) {
          const text = textOf([r.activity]);
          if (STACK_TRACE.test(text) || TOKEN.test(text))
            problems.push(`#${index} ${c.kind}: a reply leaks internals: ${text.slice(0, 200)}`);
          if (text.includes(TURN_ERROR_MESSAGE)) turnErrors.push(`#${index} ${c.body.slice(0, 300)}`);
        }
        // A message the bot took (200) must get words back, unless it came from a tenant or a channel it
        // doesn't serve (those are dropped and logged). (A dead channel URL on this machine can't be
        // answered; the connector's retries are the bot's best.)
        if (
          status === 200 &&
          c.kind === 'message' &&
          replies.length === 0 &&
          servedTenant(c.activity!, tenant.tenantId) &&
          c.activity!['channelId'] === 'msteams' &&
          c.activity!['serviceUrl'] === connector.url
        ) {
          problems.push(`#${index} message answered 200 without a reply: ${c.body.slice(0, 300)}`);
        }
      }
    }
    const started = Date.now();

    try {
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      // Let anything the turns left running finish or fail before looking for unhandled rejections.
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(`      ${CASES} requests in ${seconds.toFixed(1)} s\n`);

    assert.deepEqual(problems.slice(0, 20), [], `${problems.length} problems`);
    assert.equal(bot.exit(), undefined, `the bot process died: ${bot.stderr()}`);
    assert.deepEqual([...bot.unhandledRejections(), ...unhandled.map(String)], [], 'no unhandled rejection');
    assert.deepEqual(
      turnErrors.slice(0, 5),
      [],
      `${turnErrors.length} turns failed with the generic error (an exception in a turn): ${bot.errorLogs().slice(0, 5).join('\n')}`,
    );
    assert.equal(JSON.stringify(tenant.state.data), stateBefore, "the tenant's state is unchanged");
    const writes = tenant.requestLog
      .entries()
      .slice(logMark)
      .filter((e) => e.method !== 'GET' && !READ_ONLY.test(e.path) && e.status < 400);
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.path} ${w.status}`),
      [],
      'no write reached PIM',
    );
    assert.ok(kinds.get('message')! > 3000 && kinds.get('invoke')! > 1000, `a broad mix: ${JSON.stringify([...kinds])}`);
  });
});

function servedTenant(activity: Record<string, unknown>, tenantId: string): boolean {
  const conversation = activity['conversation'] as { tenantId?: unknown } | undefined;
  const channelData = activity['channelData'] as { tenant?: { id?: unknown } } | undefined;
  const ids = [conversation?.tenantId, channelData?.tenant?.id].filter((x) => x !== undefined);
  return ids.every((id) => id === tenantId);
}
