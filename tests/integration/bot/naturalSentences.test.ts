// Natural sentences over HTTP with nothing stubbed: the tenant emulator with
// its seeded policies, Azurite, the bot on restify and one recording connector per persona.
import assert from 'node:assert/strict';
import type { BotApp } from '../../../bot/server';
import { DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { cardOf, startApprovalWorld, startBotInProcess, strings, type ApprovalWorld } from '../approvals/approvalHarness';

describe('natural sentences end to end over HTTP (emulator, Azurite, recording connectors)', function () {
  this.timeout(120_000);
  let world: ApprovalWorld;
  let app: BotApp | undefined;
  const logLines: string[] = [];

  before(async () => {
    world = await startApprovalWorld();
    app = await startBotInProcess(world, logLines);
  });

  after(async () => {
    await app?.close();
    await world?.close();
  });

  beforeEach(async () => {
    await world.tenant.reset();
    world.tenant.clock.useRealTime();
  });

  const shown = (replies: Awaited<ReturnType<ApprovalWorld['say']>>) =>
    replies.map((r) => `${r.activity.text ?? ''}\n${strings(cardOf(r.activity))}`).join('\n');

  it('"I need global reader for an hour to check the audit logs" ends with Global Reader active for one hour with that justification, in one turn', async () => {
    const replies = await world.say('alice', 'I need global reader for an hour to check the audit logs');
    assert.match(shown(replies), /Global Reader is active/);
    const active = world.tenant.state
      .activeAssignments(DEMO_USERS.alice.id)
      .filter((a) => a.roleDefinitionId === DEMO_ROLES.globalReader.id && a.assignmentType === 'Activated');
    assert.equal(active.length, 1, 'the emulator shows her assignment active');
    assert.equal((Date.parse(active[0]!.endDateTime!) - Date.parse(active[0]!.startDateTime)) / 60_000, 60);
    const requests = world.tenant.state.assignmentRequests(DEMO_USERS.alice.id).filter((r) => r.action === 'selfActivate');
    assert.equal(requests.length, 1);
    assert.equal(requests[0]!.justification, 'check the audit logs');
  });

  it('"give me contributor on prod for 2 hours, incident 7" reaches the approvers with ticket 7, asking only for the justification PIM requires, once', async () => {
    const first = await world.say('alice', 'give me contributor on prod for 2 hours, incident 7');
    const asked = shown(first);
    // Contributor on Contoso Prod requires a justification (seed): "incident 7" is the ticket, not a reason.
    assert.match(asked, /Why do you need Contributor/);
    assert.doesNotMatch(asked, /How long do you need|Which role do you need|More than one/, 'role, scope and duration were said');
    assert.doesNotMatch(asked, /Ticket number/, 'the ticket was said');

    const { bobCard, daveCard } = await world.request(['Investigating the outage']);
    for (const card of [bobCard, daveCard]) {
      const text = strings(cardOf(card.activity));
      assert.match(text, /Contributor/);
      assert.match(text, /Contoso Prod/);
      assert.match(text, /2 hours/);
      assert.match(text, /Ticket\n7\b/);
      assert.match(text, /Investigating the outage/);
    }
    const [request] = (world.tenant.state.data.azure.requests ?? []).filter((r) => r.principalId === DEMO_USERS.alice.id);
    assert.equal(request?.ticketInfo.ticketNumber, '7');
    assert.equal(request?.justification, 'Investigating the outage');
  });
});
