// The cost of each flow in Graph/ARM requests, cold and warm, so more people fit under Graph's
// throttling quotas: a warm activation is one request (the create; PIM's dry run could not change
// the outcome, see dialogs/activation/submit.ts). Counted from the emulator's request log over the
// whole bot (HTTP, Azurite, real SDK clients); a request inside a JSON batch counts as one, as Graph
// throttling counts it. Token endpoint and emulated SSO calls are identity, not Graph/ARM, and are
// not counted (msal-node caches those tokens).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { RequestLogEntry } from '../../../emulator/tenant';
import { DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { cardText } from '../../support/botHarness';
import { requesterSuite, type RequesterHarness } from './requesterHarness';

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
    it(`${surface}: 1 Graph/ARM call (was 2: the dry run and the create), and the result says the access is in place`, async () => {
      h.tenant.requestLog.clear();
      const replies = await h.say(sentence);
      const calls = upstreamCalls(h.tenant.requestLog.entries());
      const text = replies.map(cardText).join('\n');
      assert.match(text, /Role activated|is in place/, text.slice(0, 400));
      assert.ok(
        calls.length <= 1,
        `${calls.length} upstream calls:\n${calls.map((c) => `${c.method} ${c.path}?${c.query} → ${c.status}`).join('\n')}`,
      );
      assert.ok(
        calls.some((c) => c.method !== 'GET' && !c.path.endsWith('/validate') && c.status === 201),
        'the create went upstream',
      );
    });
  }
});

type Person = 'alice' | 'bob' | 'dave' | 'carol';
const person = (k: Person) => ({ id: `29:${k}`, name: DEMO_USERS[k].displayName, aadObjectId: DEMO_USERS[k].id });

function listing(calls: readonly RequestLogEntry[]): string {
  return calls.map((c) => `${c.method} ${c.path}?${c.query} → ${c.status} (${c.caller})`).join('\n');
}

/** The Graph/ARM requests made with `who`'s own token (and, with `app`, the bot's) since the log was cleared. */
function callsOf(h: RequesterHarness, who: Person, app = false): RequestLogEntry[] {
  return upstreamCalls(h.tenant.requestLog.entries()).filter(
    (e) => e.caller === DEMO_USERS[who].id || (app && e.caller === h.tenant.botApp.clientId),
  );
}

/** A message from someone other than Alice, in their own 1:1 chat. */
function from(
  h: RequesterHarness,
  who: Person,
  text: string,
  conversationId: string,
): Promise<{ replies: Array<{ activity: Partial<Activity> }> }> {
  return h.send({
    text,
    from: person(who),
    conversation: { id: conversationId, conversationType: 'personal', tenantId: h.tenant.tenantId } as unknown as Activity['conversation'],
  });
}

/** The data of the card's "Cancel request" button. */
function findCancel(activity: Partial<Activity> | undefined): Record<string, unknown> | undefined {
  const found: Array<Record<string, unknown>> = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      const data = o['data'] as Record<string, unknown> | undefined;
      if (o['type'] === 'Action.Submit' && data?.['action'] === 'cancelRequest') found.push(data);
      Object.values(o).forEach(walk);
    }
  };
  walk(activity?.attachments?.[0]?.content);
  return found[0];
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

// Issue 19's targets are cold activation 6, "my roles" warm 3, an approval request 5 and a cold admin
// question 8 (from 12, 6, 8 and 16, counted by bench/upstream.ts for a copy of Alice's Entra
// eligibilities). Here the demo users themselves: Alice is eligible on all three surfaces. Each flow
// asserts its target; the comments say which reads are left and why (docs/performance.md has the table).
describe('upstream requests per flow (issue 19)', function () {
  this.timeout(90_000);
  // No periodic approval sweep inside a measured window (it is the bot's own background work).
  const h = requesterSuite({ env: { APPROVAL_SWEEP_SECONDS: '3600' } });

  it("cold activation (a new bot, three turns): one create and no dry run; each surface listed once, only the named role's policy", async () => {
    await h.restartBot();
    h.tenant.requestLog.clear();
    await h.say('activate global reader');
    await h.say('90 minutes');
    const replies = await h.say('Quarterly access review');
    assert.match(replies.map(cardText).join('\n'), /Global Reader is active/);
    const calls = callsOf(h, 'alice');
    // 6 for Alice (was 18, 14, then 7; target 6): eligibilities on 3 surfaces (3: a name is resolved
    // across all of them), the policy of the role she named and of no other (1), the check before
    // asking on the role's own surface (1: her active access; Global Reader needs no approval, so
    // nothing can wait for it that the create would not refuse and the bot explain, see
    // dialogs/activation/held.ts), the create (1).
    assert.ok(calls.length <= 6, `${calls.length} requests:\n${listing(calls)}`);
    assert.ok(
      !calls.some((c) => /roleAssignmentScheduleRequests/.test(c.path) && c.method === 'GET'),
      `no read of waiting requests:\n${listing(calls)}`,
    );
    assert.equal(
      calls.filter((c) => /roleManagementPolicyAssignments/.test(c.path)).length,
      1,
      `only the named role's policy:\n${listing(calls)}`,
    );
    assert.equal(calls.filter((c) => c.method === 'POST').length, 1, `one write:\n${listing(calls)}`);
    assert.equal(h.tenant.state.assignmentRequests(DEMO_USERS.alice.id).filter((r) => r.isValidationOnly).length, 0, 'no dry run');
    assert.equal(
      calls.filter((c) => /roleAssignmentScheduleInstances/.test(c.path)).length,
      1,
      `only the Entra surface's active list:\n${listing(calls)}`,
    );
  });

  it('"my roles" warm: the three active listings only (target 3)', async () => {
    await h.say('my roles');
    h.tenant.requestLog.clear();
    const [card] = await h.say('my roles');
    assert.match(cardText(card), /Global Reader/);
    const calls = callsOf(h, 'alice');
    assert.ok(calls.length <= 3, `${calls.length} requests:\n${listing(calls)}`);
    assert.ok(
      calls.every((c) => c.method === 'GET' && /ScheduleInstances/.test(c.path)),
      listing(calls),
    );
  });

  it('"my roles" within a minute still shows a request she just sent, and not one she just cancelled', async () => {
    await h.say('my roles');
    await h.say('activate user administrator for 2h ticket INC-42 because fixing login');
    const [mine] = await h.say('my roles');
    assert.match(
      cardText(mine),
      /⏳ Waiting[\s\S]*User Administrator\nBolder\nTextBlock\nWaiting for approval since/,
      'her own new request, though the listing was read a moment before',
    );
    const cancel = findCancel(mine);
    assert.ok(cancel, 'a Cancel request button');
    await h.say({ value: cancel });
    assert.equal(
      h.tenant.state.assignmentRequests(DEMO_USERS.alice.id).filter((r) => r.status === 'PendingApproval').length,
      0,
      'cancelled at PIM',
    );
    const [after] = await h.say('my roles');
    assert.doesNotMatch(cardText(after), /⏳ Waiting|Waiting for approval since/, 'the cancelled request is gone at once');
  });

  it('an approval request (a new bot, warm list, until both approvers have their card): one create, no dry run', async () => {
    // A new process: nothing of the approval flow (approvers' members, the role's description, her
    // manager) is cached by an earlier test.
    await h.restartBot();
    const chats = { bob: `a:${randomUUID()}`, dave: `a:${randomUUID()}` };
    await from(h, 'bob', 'hi', chats.bob);
    await from(h, 'dave', 'hi', chats.dave);
    await h.say('activate');
    await h.say('cancel');
    h.tenant.requestLog.clear();
    const mark = h.connector.activities.length;
    await h.say('activate user administrator');
    await h.say({ value: { action: 'setDuration', duration: '90 minutes' } });
    const replies = await h.say({ value: { action: 'submitJustification', justification: 'Reset MFA for Erin', ticketNumber: 'INC-42' } });
    assert.match(replies.map(cardText).join('\n'), /waiting for approval/i);
    await until("Bob's and Dave's cards", () => {
      const posted = h.connector.since(mark).filter((a) => a.method === 'POST');
      return posted.some((a) => a.conversationId === chats.bob) && posted.some((a) => a.conversationId === chats.dave);
    });
    const calls = callsOf(h, 'alice', true);
    // 5 (was 13, 10, then 7; target 5): the check before asking (2: her active access on the role's
    // surface, and her requests of the role, every status), the create (1), and what the approval card
    // needs that is not read already: approvers (1) and her manager (1). Her earlier activations of the
    // role come from the check's listing of her requests, the role's description and isPrivileged from
    // the eligibility listing (its expanded roleDefinition), her active access on all three surfaces
    // from the listing the warm list read a moment before (not crossed by a write of hers).
    assert.ok(calls.length <= 5, `${calls.length} requests:\n${listing(calls)}`);
    assert.ok(!calls.some((c) => /roleDefinitions/.test(c.path)), `no read of the role definition:\n${listing(calls)}`);
    assert.ok(
      !calls.some((c) => /roleAssignmentScheduleRequests$/.test(c.path) && c.method === 'GET'),
      `no app-only read of her earlier activations:\n${listing(calls)}`,
    );
    assert.ok(
      !calls.some(
        (c) => /assignmentScheduleInstances|roleAssignmentScheduleInstances/.test(c.path) && !/roleManagement\/directory/.test(c.path),
      ),
      `no second read of her active access on the other surfaces:\n${listing(calls)}`,
    );
    assert.equal(
      calls.filter((c) => /roleAssignmentScheduleInstances/.test(c.path)).length,
      1,
      `her Entra active access read once:\n${listing(calls)}`,
    );
    assert.equal(calls.filter((c) => c.method === 'POST').length, 1, `one write:\n${listing(calls)}`);
  });

  it('a cold admin question ("who has User Administrator" from Carol, a new bot): at most 8, no Azure or alert names', async () => {
    await h.restartBot();
    h.tenant.requestLog.clear();
    const { replies } = await from(h, 'carol', 'who has User Administrator', `a:${randomUUID()}`);
    assert.match(replies.map((r) => cardText(r.activity)).join('\n'), /User Administrator/);
    const calls = callsOf(h, 'carol');
    // 5 today (was 9; target 8): her admin check (1), the names a directory-role question is resolved
    // against (roles, users, groups: 3; Azure and alert names are read only for a question naming a
    // scope or an alert) and the answer (1).
    assert.ok(calls.length <= 8, `${calls.length} requests:\n${listing(calls)}`);
    assert.ok(!calls.some((c) => /alerts|Microsoft\.Authorization/.test(c.path)), `no Azure or alert names:\n${listing(calls)}`);
  });
});
