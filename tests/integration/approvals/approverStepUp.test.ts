// Approvals that prove the approver (issue 20) over HTTP with nothing stubbed: the bot on restify, the
// tenant emulator (real msal-node, Graph client and ARM pipeline), Azurite, one recording connector per
// persona. The tenant's Teams SSO sessions signed in with MFA an hour ago, so under the default
// APPROVER_STEP_UP (User Administrator, Contributor on a subscription: MFA within 10 minutes) a click
// answers the sign-in card and nothing reaches PIM; the approver follows the link through the emulator's
// sign-in page back to /auth/callback, and only then is the decision made at PIM as them.
import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import type { BotApp } from '../../../bot/server';
import { DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { startRecordingConnector, type RecordingConnector } from '../../../emulator/stack/recordingConnector';
import { signInRedirect } from '../bot/requesterHarness';
import {
  cardOf,
  executeData,
  startApprovalWorld,
  startBotInProcess,
  strings,
  until,
  USER_ADMIN_TURNS,
  type ApprovalWorld,
  type Name,
} from './approvalHarness';

const CHANNEL = '19:entra-approvals@thread.tacv2';

const CONTRIBUTOR_TURNS = ['activate contributor on contoso prod for 1h', 'deploy the fix'];
const GROUP_TURNS = ['activate sre on-call owner for 1h', 'rotate the pager'];

/** The sign-in button's URL on a card (Action.OpenUrl), if any. */
function signInUrl(card: unknown): string | undefined {
  let found: string | undefined;
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o['type'] === 'Action.OpenUrl' && /^Sign in to/.test(String(o['title']))) found = String(o['url']);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
}

/** The browser's way through the emulator's sign-in page back to the bot's /auth/callback: the page it ends on. */
async function followSignIn(url: string): Promise<{ status: number; html: string; callback: string }> {
  const callback = await signInRedirect(url);
  const res = await fetch(callback);
  return { status: res.status, html: await res.text(), callback };
}

describe('approver step-up over HTTP (bot, emulator sign-in page, Azurite, recording connectors)', function () {
  this.timeout(120_000);
  let world: ApprovalWorld;
  let app: BotApp | undefined;
  const logLines: string[] = [];

  /** PIM decisions (approval PATCHes) since `mark`, with who made each. */
  const decisionsSince = (mark: number) =>
    world.tenant.requestLog
      .entries()
      .slice(mark)
      .filter((e) => e.method === 'PATCH' && /approvals\//i.test(e.path));
  const logMark = () => world.tenant.requestLog.entries().length;
  const status = (requestId: string) => world.tenant.state.assignmentRequests(DEMO_USERS.alice.id).find((r) => r.id === requestId)?.status;

  async function click(name: Name, verb: 'approve' | 'deny', data: Record<string, unknown>) {
    const answer = await world.click(name, verb, data);
    assert.equal(answer.type, 'application/vnd.microsoft.card.adaptive', String(answer.value));
    return answer.value;
  }

  describe('the default policy (MFA within 10 minutes for privileged roles and Contributor on a subscription)', () => {
    before(async () => {
      world = await startApprovalWorld({ signIn: { sessionAgeSeconds: 3600 } });
      app = await startBotInProcess(world, logLines);
    });

    after(async () => {
      await app?.close();
      await world?.close();
    });

    beforeEach(async () => {
      await world.tenant.reset();
    });

    it('approve with a stale session: the click answers the sign-in card and PIM decides nothing; after the sign-in Bob approves at PIM, every copy says "with MFA", Alice is told once; a replayed click or callback decides nothing twice', async () => {
      const { requestId, bobCard, daveCard, waiting } = await world.request(USER_ADMIN_TURNS);
      const data = { ...executeData(cardOf(bobCard.activity), 'approve')!, reason: 'Go ahead' };
      const mark = logMark();
      const aliceMark = world.people.alice.connector.activities.length;
      const bobMark = world.people.bob.connector.activities.length;

      const first = await click('bob', 'approve', data);
      const text = strings(first);
      assert.match(
        text,
        /Nothing decided yet: approving User Administrator for Alice Adams needs a fresh sign-in with MFA \(within 10 minutes\)/,
      );
      assert.match(text, /Alice Adams asks for User Administrator/, 'the card keeps what it showed');
      const url = signInUrl(first);
      assert.ok(url, 'a sign-in button');
      assert.match(url, /claims=/, 'the sign-in carries the claims challenge');
      assert.equal(decisionsSince(mark).length, 0, 'nothing reached PIM');
      assert.equal(status(requestId), 'PendingApproval');
      assert.equal(
        world.people.bob.connector.since(bobMark).filter((a) => a.method === 'PUT').length,
        0,
        'the sign-in card is the invoke response only, never an update of the message',
      );
      assert.doesNotMatch(world.latest('dave', daveCard.id), /Approved/);

      const page = await followSignIn(url);
      assert.equal(page.status, 200, page.html);
      assert.match(page.html, /You're verified|You&#39;re verified/);
      const made = decisionsSince(mark);
      assert.equal(made.length, 1, 'one decision at PIM');
      assert.equal(made[0]!.caller, DEMO_USERS.bob.id, "with Bob's own (stepped-up) token");
      assert.match(status(requestId) ?? '', /^(Provisioned|Granted)$/);

      for (const [name, id] of [
        ['bob', bobCard.id],
        ['dave', daveCard.id],
        ['alice', waiting.id],
      ] as const) {
        await until(`${name}'s copy updated`, () => /Approved by Bob Brown at/.test(world.latest(name, id)));
        assert.match(world.latest(name, id), /Bob Brown was verified with MFA \(signed in at \{\{TIME\(/);
      }
      const told = await until('Alice told', () =>
        world.people.alice.connector
          .since(aliceMark)
          .find((a) => a.method === 'POST' && /Bob Brown approved your request for User Administrator/.test(a.activity.text ?? '')),
      );
      assert.match(told.activity.text!, /Bob Brown was verified with MFA\./);

      // The same click again, and the same callback again: nothing new at PIM.
      const replay = await click('bob', 'approve', data);
      assert.match(strings(replay), /Approved by Bob Brown at/);
      assert.equal(signInUrl(replay), undefined);
      const again = await fetch(page.callback);
      assert.equal(again.status, 400, 'the sign-in state works once');
      assert.equal(decisionsSince(mark).length, 1, 'still one decision');
      assert.equal(
        world.people.alice.connector
          .since(aliceMark)
          .filter((a) => a.method === 'POST' && /approved your request/.test(a.activity.text ?? '')).length,
        1,
        'Alice told once',
      );

      // "What did I approve" says how Bob was verified.
      const answer = (await world.say('bob', 'what did I approve this week'))
        .map((r) => strings(cardOf(r.activity)) || r.activity.text || '')
        .join('\n');
      assert.match(answer, /You approved Alice Adams's request for User Administrator: Go ahead — verified with MFA/);
      // And the admin's audit answers, read from PIM's audit log, say it too (from the bot's record of the decision).
      const who = (await world.say('carol', "who approved alice's last request"))
        .map((r) => strings(cardOf(r.activity)) || r.activity.text || '')
        .join('\n');
      assert.match(who, /Bob Brown \(verified with MFA\) approved Alice Adams's last request, for User Administrator/);
      const bobs = (await world.say('carol', 'what did bob approve this week'))
        .map((r) => strings(cardOf(r.activity)) || r.activity.text || '')
        .join('\n');
      assert.match(bobs, /User Administrator[^\n]*— verified with MFA/);
    });

    it("two approvers: Dave (stale session) gets the sign-in card; Bob, fresh from his sign-in, approves at once; Dave's sign-in then decides nothing", async () => {
      const { requestId, bobCard, daveCard } = await world.request(USER_ADMIN_TURNS);
      const mark = logMark();
      const daveAsked = await click('dave', 'approve', executeData(cardOf(daveCard.activity), 'approve')!);
      const daveUrl = signInUrl(daveAsked);
      assert.ok(daveUrl, 'Dave is asked to sign in');
      assert.equal(decisionsSince(mark).length, 0);

      // Bob's Graph token is his step-up of the last test: MFA minutes ago, so no new sign-in.
      const bobDecided = await click('bob', 'approve', executeData(cardOf(bobCard.activity), 'approve')!);
      assert.equal(signInUrl(bobDecided), undefined, 'Bob is not asked again');
      assert.match(strings(bobDecided), /Approved by Bob Brown at/);
      assert.match(strings(bobDecided), /Bob Brown was verified with MFA/);
      assert.equal(decisionsSince(mark).length, 1);

      const page = await followSignIn(daveUrl);
      assert.equal(page.status, 200);
      assert.match(page.html, /Nothing was decided/);
      assert.equal(decisionsSince(mark).length, 1, "Dave's late sign-in made no second decision");
      assert.match(status(requestId) ?? '', /^(Provisioned|Granted)$/);
      await until("Dave's card shows Bob's decision", () => /Approved by Bob Brown/.test(world.latest('dave', daveCard.id)));
    });

    it('deny on Contributor at the subscription (ARM): a deny without a reason is refused before any sign-in; with one, the sign-in card, then the denial at ARM as Bob', async () => {
      const { requestId, bobCard, daveCard, waiting } = await world.request(CONTRIBUTOR_TURNS);
      const data = executeData(cardOf(bobCard.activity), 'deny')!;
      const mark = logMark();
      const noReason = await world.click('bob', 'deny', data);
      assert.match(strings(noReason.value), /reason/i);
      assert.equal(signInUrl(noReason.value), undefined, 'no sign-in for a deny that is refused anyway');

      const asked = await click('bob', 'deny', { ...data, reason: 'Not during the freeze' });
      assert.match(strings(asked), /Nothing decided yet: denying Contributor on .* for Alice Adams needs a fresh sign-in with MFA/);
      const url = signInUrl(asked);
      assert.ok(url);
      assert.equal(decisionsSince(mark).length, 0);

      const page = await followSignIn(url);
      assert.equal(page.status, 200, page.html);
      const made = decisionsSince(mark);
      assert.equal(made.length, 1);
      assert.equal(made[0]!.caller, DEMO_USERS.bob.id);
      assert.match(made[0]!.path, /roleAssignmentApprovals/);
      for (const [name, id] of [
        ['bob', bobCard.id],
        ['dave', daveCard.id],
        ['alice', waiting.id],
      ] as const) {
        await until(`${name}'s copy shows the denial`, () =>
          /Denied by Bob Brown at .*: Not during the freeze/.test(world.latest(name, id)),
        );
      }
      assert.match(world.latest('dave', daveCard.id), /Bob Brown was verified with MFA/);
      assert.ok(requestId);
    });

    it("a sign-in that does no MFA: nothing decided, and a new sign-in card goes to Dave's own chat saying so", async () => {
      world.tenant.stepUp.signIn({ signInAmr: ['pwd'] });
      // Dave holds no ARM step-up yet: his session (MFA an hour ago) is stale there.
      const { requestId, daveCard } = await world.request(CONTRIBUTOR_TURNS);
      const mark = logMark();
      const daveMark = world.people.dave.connector.activities.length;
      const url = signInUrl(await click('dave', 'approve', executeData(cardOf(daveCard.activity), 'approve')!));
      assert.ok(url);
      const page = await followSignIn(url);
      assert.match(page.html, /not enough/);
      assert.equal(decisionsSince(mark).length, 0);
      assert.equal(
        world.tenant.state.data.azure.requests?.find((r) => requestId.toLowerCase().endsWith(r.name.toLowerCase()))?.status,
        'PendingApproval',
      );
      const again = await until('a new sign-in card', () =>
        world.people.dave.connector.since(daveMark).find((a) => a.method === 'POST' && signInUrl(cardOf(a.activity))),
      );
      assert.equal(again.conversationId, world.people.dave.conversationId, "in Dave's 1:1 chat");
      assert.match(strings(cardOf(again.activity)), /did not use MFA/);
    });

    it("a sign-in made by another account (Erin in Dave's link) is refused: 403, nothing at PIM, and the link is used up", async () => {
      const { requestId, daveCard } = await world.request(CONTRIBUTOR_TURNS);
      const mark = logMark();
      const url = signInUrl(await click('dave', 'approve', executeData(cardOf(daveCard.activity), 'approve')!));
      assert.ok(url);
      const someoneElse = new URL(url);
      assert.equal(someoneElse.searchParams.get('login_hint')?.toLowerCase(), DEMO_USERS.dave.id.toLowerCase());
      someoneElse.searchParams.set('login_hint', DEMO_USERS.erin.id);
      const page = await followSignIn(someoneElse.href);
      assert.equal(page.status, 403);
      assert.match(page.html, /Signed in with another account/);
      assert.equal(decisionsSince(mark).length, 0);
      assert.equal((await fetch(page.callback)).status, 400, 'the state is used up');
      assert.equal(
        world.tenant.state.data.azure.requests?.find((r) => requestId.toLowerCase().endsWith(r.name.toLowerCase()))?.status,
        'PendingApproval',
      );
    });

    it('logged nothing that looks like a token', () => {
      assert.deepEqual(
        logLines.filter((l) => /eyJ[A-Za-z0-9_-]{10,}/.test(l)),
        [],
      );
    });
  });

  describe('APPROVER_STEP_UP naming an authentication context for groups (and nothing for Entra roles)', () => {
    before(async () => {
      world = await startApprovalWorld({ signIn: { sessionAgeSeconds: 3600 } });
      app = await startBotInProcess(world, logLines, { APPROVER_STEP_UP: 'group:*=acrs:c1' });
    });

    after(async () => {
      await app?.close();
      await world?.close();
    });

    beforeEach(async () => {
      await world.tenant.reset();
    });

    it("the bot's policy asks nothing for User Administrator, but PIM refuses without a fresh MFA: the refusal becomes the sign-in card, and after it the approval counts", async () => {
      world.tenant.stepUp.demand([{ surface: 'entraRole', roleIds: [DEMO_ROLES.userAdministrator.id], mfaWithinSeconds: 600 }]);
      const { requestId, bobCard, daveCard } = await world.request(USER_ADMIN_TURNS);
      const mark = logMark();
      const asked = await click('bob', 'approve', executeData(cardOf(bobCard.activity), 'approve')!);
      assert.match(strings(asked), /Nothing decided yet: approving User Administrator for Alice Adams needs a fresh sign-in with MFA/);
      assert.equal(status(requestId), 'PendingApproval', 'PIM refused it');
      const refusedAtPim = decisionsSince(mark);
      assert.equal(refusedAtPim.length, 1);
      assert.equal(refusedAtPim[0]!.status, 400);
      const page = await followSignIn(signInUrl(asked)!);
      assert.equal(page.status, 200, page.html);
      assert.match(status(requestId) ?? '', /^(Provisioned|Granted)$/);
      await until(
        "Dave's card",
        () =>
          /Approved by Bob Brown at .*/.test(world.latest('dave', daveCard.id)) &&
          /verified with MFA/.test(world.latest('dave', daveCard.id)),
      );
    });

    it('a group approval asks for authentication context c1; after the sign-in the decision counts and the cards name c1', async () => {
      const { bobCard, daveCard } = await world.request(GROUP_TURNS);
      const mark = logMark();
      const asked = await click('bob', 'approve', executeData(cardOf(bobCard.activity), 'approve')!);
      assert.match(strings(asked), /needs a sign-in that meets authentication context c1/);
      const url = signInUrl(asked)!;
      assert.match(decodeURIComponent(url), /"acrs":\{"essential":true,"value":"c1"\}/);
      assert.equal(decisionsSince(mark).length, 0);
      const page = await followSignIn(url);
      assert.equal(page.status, 200, page.html);
      assert.equal(decisionsSince(mark).length, 1);
      await until("Dave's card", () => /Bob Brown was verified with authentication context c1/.test(world.latest('dave', daveCard.id)));
    });
  });

  describe('a channel copy (APPROVAL_CHANNELS): the sign-in link stays with the approver who clicked', () => {
    let channel: RecordingConnector;
    const fromChannel = (name: Name, partial: Partial<Activity>) =>
      world.post(name, {
        serviceUrl: channel.url,
        conversation: {
          id: CHANNEL,
          conversationType: 'channel',
          isGroup: true,
          tenantId: world.tenant.tenantId,
        } as Activity['conversation'],
        channelData: { channel: { id: CHANNEL }, team: { id: '19:team@thread.tacv2' }, tenant: { id: world.tenant.tenantId } },
        ...partial,
      });

    before(async () => {
      world = await startApprovalWorld({ signIn: { sessionAgeSeconds: 3600 } });
      channel = await startRecordingConnector();
      app = await startBotInProcess(world, logLines, { APPROVAL_CHANNELS: `entraRole=${CHANNEL}` });
      assert.equal((await fromChannel('bob', { type: 'installationUpdate', action: 'add' } as Partial<Activity>)).status, 200);
    });

    after(async () => {
      await app?.close();
      await world?.close();
      await channel?.close();
    });

    it("Bob's click on the channel card answers him alone with the sign-in card; the channel's message never carries the link; after the sign-in the channel copy shows the approval with MFA", async () => {
      const { requestId } = await world.request(USER_ADMIN_TURNS);
      const inChannel = await until('the channel card', () =>
        channel.activities.find((a) => a.method === 'POST' && executeData(cardOf(a.activity), 'approve')?.['requestId'] === requestId),
      );
      const mark = logMark();
      const r = await fromChannel('bob', {
        type: 'invoke',
        name: 'adaptiveCard/action',
        replyToId: inChannel.id,
        value: { action: { type: 'Action.Execute', verb: 'approve', data: executeData(cardOf(inChannel.activity), 'approve') } },
      } as Partial<Activity>);
      assert.equal(r.status, 200);
      const url = signInUrl((r.body as { value: unknown }).value);
      assert.ok(url, 'the invoke response carries the sign-in');
      assert.equal(decisionsSince(mark).length, 0);
      assert.ok(
        channel.activities.every((a) => signInUrl(cardOf(a.activity)) === undefined),
        'no message in the channel carries a sign-in link',
      );

      const page = await followSignIn(url);
      assert.equal(page.status, 200, page.html);
      assert.equal(decisionsSince(mark).length, 1);
      await until('the channel copy updated', () => {
        const updates = channel.activities.filter((a) => a.method === 'PUT' && a.targetActivityId === inChannel.id);
        const last = strings(cardOf(updates[updates.length - 1]?.activity));
        return /Approved by Bob Brown at/.test(last) && /Bob Brown was verified with MFA/.test(last);
      });
      assert.ok(channel.activities.every((a) => signInUrl(cardOf(a.activity)) === undefined));
    });
  });
});
