// The tenant answers 429 (Retry-After) or 503 to a fifth of all calls, token endpoints included,
// decided by a seeded random source so every run sees the same faults. Every flow must still end
// well (done, or a plain message), Retry-After must be honoured, and PIM must never get one
// intent twice.
import assert from 'node:assert/strict';
import { addBenchUsers } from '../../../emulator/stack/chatUsers';
import { textOf, type ChatUser } from '../../../emulator/stack/chatDriver';
import { CLEAR_MESSAGE, runActivation } from '../../../emulator/stack/flows';
import { startLocalStack, type InProcessBot, type LocalStack } from '../../../emulator/stack/localStack';
import type { RecordingConnector } from '../../../emulator/stack/recordingConnector';
import { seededRandom } from '../../../emulator/stack/random';
import { TURN_ERROR_MESSAGE } from '../../../bot/turnError';
import type { RequestLogEntry, TenantEmulator } from '../../../emulator/tenant/index';

const FLOWS = 12;
const RETRY_AFTER_SECONDS = 1;
/** Timer and clock granularity between the emulator's log and the client's sleep. */
const TOLERANCE_MS = 50;
/**
 * A call that arrives this soon after a 429 was answered was already on its way (the bot's parallel
 * lookups) and could not have known. The log has arrival times only, not when the bot sent it.
 */
const IN_FLIGHT_MS = 300;
/** The services' own calls; token endpoints are msal-node's business (it throttles per request). */
const SERVICE_CALL = /^\/(v1\.0|beta)\/|^\/(subscriptions|providers)\//;

describe('faults: 20% of calls throttled (429 + Retry-After) or unavailable (503)', function () {
  this.timeout(90_000);
  let stack: LocalStack;
  let tenant: TenantEmulator;
  let connector: RecordingConnector;
  let bot: InProcessBot;
  let endpoint: string;
  const errors: string[] = [];

  before(async () => {
    stack = await startLocalStack({ name: 'faults', tenant: { faultRandom: seededRandom(4242) } });
    ({ tenant, connector } = stack);
    bot = await stack.startBot({
      overrides: { logger: { info: () => {}, warn: () => {}, error: (m, f) => void errors.push(`${m} ${JSON.stringify(f ?? {})}`) } },
    });
    endpoint = bot.endpoint;
  });

  after(async () => {
    await bot?.app.close();
    await stack?.stop();
  });

  function injectFaults(): void {
    tenant.faults.clear();
    // 10% throttled, then 10% of all calls (1/9 of the rest) unavailable: 20% in all.
    tenant.faults.add({ kind: 'throttle', probability: 0.1, retryAfterSeconds: RETRY_AFTER_SECONDS });
    tenant.faults.add({ kind: 'unavailable', probability: 0.1 / 0.9 });
  }

  interface Window {
    readonly user: ChatUser;
    readonly from: number;
    readonly to: number;
  }

  /** Later calls of the same caller to the same endpoint within one flow, too soon after a 429. */
  function retryAfterViolations(entries: readonly RequestLogEntry[], windows: readonly Window[]): string[] {
    const violations: string[] = [];
    for (const w of windows) {
      const inFlow = entries.filter((e) => SERVICE_CALL.test(e.path) && Date.parse(e.time) >= w.from && Date.parse(e.time) <= w.to);
      inFlow.forEach((e, i) => {
        if (e.status !== 429) return;
        // Only calls sent after the 429 was answered count: a parallel call already on its way could not know.
        const answeredAt = Date.parse(e.time) + e.durationMs;
        const notBefore = answeredAt + RETRY_AFTER_SECONDS * 1000 - TOLERANCE_MS;
        const sameCall = (x: RequestLogEntry): boolean => x.method === e.method && x.path === e.path && x.caller === e.caller;
        // A call that waited out some 429 of the same caller and path (its own, in a burst of parallel ones) honours it.
        const waitedOutOne = (later: RequestLogEntry): boolean =>
          inFlow.some(
            (p) =>
              p.status === 429 &&
              sameCall(p) &&
              Date.parse(p.time) + p.durationMs + RETRY_AFTER_SECONDS * 1000 - TOLERANCE_MS <= Date.parse(later.time),
          );
        const early = inFlow
          .slice(i + 1)
          .find(
            (later) =>
              sameCall(later) &&
              Date.parse(later.time) > answeredAt + IN_FLIGHT_MS &&
              Date.parse(later.time) < notBefore &&
              !waitedOutOne(later),
          );
        if (early) {
          const t0 = Date.parse(e.time);
          const around = inFlow
            .filter((x) => x.method === e.method && x.path === e.path)
            .map((x) => `${Date.parse(x.time) - t0}+${x.durationMs}:${x.status}${x.query ? '?' : ''}`);
          violations.push(
            `${w.user.name}: ${e.method} ${e.path} again ${Date.parse(early.time) - t0} ms after a 429 [${around.join(' ')}]`,
          );
        }
      });
    }
    return violations;
  }

  it('every activation, "my roles" and approval request ends well; Retry-After honoured; no intent reaches PIM twice', async () => {
    const users = await addBenchUsers(tenant, FLOWS, 'faults');
    tenant.requestLog.clear();
    injectFaults();
    const windows: Window[] = [];
    const outcomes = new Map<string, number>();
    const unclear: string[] = [];
    for (const user of users) {
      const conversation = stack.chat(endpoint, user);
      const from = Date.now();
      const flow = await runActivation(conversation);
      const roles = await conversation.say('my roles');
      windows.push({ user, from, to: Date.now() });
      outcomes.set(flow.outcome, (outcomes.get(flow.outcome) ?? 0) + 1);

      assert.ok(
        flow.turns.every((t) => t.status === 200),
        `${user.name}: every turn answered 200`,
      );
      if (flow.outcome !== 'active' && flow.outcome !== 'message') unclear.push(`${user.name}: ${flow.outcome}: ${flow.lastText}`);
      if (flow.outcome === 'message' && !CLEAR_MESSAGE.test(flow.lastText)) unclear.push(`${user.name}: ${flow.lastText}`);
      const rolesText = textOf(roles.replies);
      if (!/Global Reader/.test(rolesText) && !CLEAR_MESSAGE.test(rolesText))
        unclear.push(`${user.name} my roles: ${rolesText.slice(0, 200)}`);

      const sent = tenant.state
        .assignmentRequests(user.aadObjectId)
        .filter((r) => !r.isValidationOnly && r.action.toLowerCase() === 'selfactivate');
      assert.ok(sent.length <= 1, `${user.name}: ${sent.length} activation requests reached PIM for one intent`);
      if (flow.outcome === 'active') assert.equal(sent.length, 1, `${user.name}: active without a request?`);
    }
    // Requests that need approval (the requester's side; the approvers' cards follow in the background).
    for (const user of await addBenchUsers(tenant, 4, 'faults-approval')) {
      const chat = stack.chat(endpoint, user);
      const from = Date.now();
      let last = textOf((await chat.say('activate user administrator')).replies);
      if (/How long/i.test(last)) last = textOf((await chat.say({ value: { action: 'setDuration', duration: '90 minutes' } })).replies);
      if (/Why do you need/i.test(last))
        last = textOf(
          (await chat.say({ value: { action: 'submitJustification', justification: 'Faults', ticketNumber: 'INC-9' } })).replies,
        );
      windows.push({ user, from, to: Date.now() });
      if (!/waiting for approval/i.test(last) && !CLEAR_MESSAGE.test(last))
        unclear.push(`${user.name} approval request: ${last.slice(0, 200)}`);
      const sent = tenant.state
        .assignmentRequests(user.aadObjectId)
        .filter((r) => !r.isValidationOnly && r.action.toLowerCase() === 'selfactivate');
      assert.ok(sent.length <= 1, `${user.name}: ${sent.length} requests reached PIM for one intent`);
      if (/waiting for approval/i.test(last)) assert.equal(sent.length, 1, `${user.name}: waiting without a request?`);
    }
    tenant.faults.clear();

    const log = tenant.requestLog.entries();
    const faulted = log.filter((e) => e.status === 429 || e.status === 503).length;
    const identityRepeats = retryAfterViolations(
      log.filter((e) => !SERVICE_CALL.test(e.path)).map((e) => ({ ...e, path: `/v1.0${e.path}` })),
      windows,
    ).length;
    process.stdout.write(
      `      ${log.length} upstream calls, ${faulted} faulted; outcomes ${JSON.stringify(Object.fromEntries(outcomes))}; token/SSO calls repeated inside a Retry-After: ${identityRepeats}\n`,
    );
    assert.ok(faulted / log.length > 0.1, 'the faults were actually injected');
    assert.deepEqual(unclear, [], 'every flow ends with the result or a plain message');
    assert.deepEqual(retryAfterViolations(log, windows), [], 'no call repeated before its Retry-After');
    assert.ok((outcomes.get('active') ?? 0) > 0, 'some flows still complete');
    const turnErrors = connector.activities.filter((a) => (a.activity.text ?? '').includes(TURN_ERROR_MESSAGE));
    assert.equal(turnErrors.length, 0, `no turn ends in the generic error: ${errors.slice(0, 3).join('\n')}`);
  });
});
