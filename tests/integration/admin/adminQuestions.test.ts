// Admin questions end to end over the real clients (msal-node, the Graph SDK, @azure/arm-authorization)
// against the tenant emulator: after a scripted series of activations and approvals on every surface
// (Entra roles, a PIM group, Azure resources), every answer matches the emulator's state. Nothing is stubbed.
import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { DEMO_AZURE, DEMO_GROUPS, DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { REFUSAL } from '../../../dialogs/admin/adminQuestions';
import { NULL_PORTS, silentLogger } from '../../../dialogs/deps';
import { MainDialog } from '../../../dialogs/mainDialog';
import { createServices, type Services } from '../../../services';
import { eligibilityKey, type UserContext } from '../../../services/pim/model';
import { startTestTenant } from '../../../emulator/stack/tenant';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;
const SUB = `/subscriptions/${DEMO_AZURE.subscription.id}`;
const RG = `${SUB}/resourceGroups/${DEMO_AZURE.resourceGroup.name}`;
const armRole = (guid: string) => `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
/** Card dates are Adaptive Card DATE() functions over the ISO time without milliseconds. */
const cardDate = (iso: string) => `\\{\\{DATE\\(${iso.replace(/\.\d{3}Z$/, 'Z')}, SHORT\\)\\}\\}`;
/** The text of every TextBlock of the answer card, in order. */
function cardText(reply: Partial<Activity> | undefined): string {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o['type'] === 'TextBlock' && typeof o['text'] === 'string') out.push(o['text']);
      Object.values(o).forEach(walk);
    }
  };
  walk(reply?.attachments?.[0]?.content);
  return out.join('\n');
}
const person = (u: { id: string; displayName: string }) => ({ id: `29:${u.id}`, name: u.displayName, aadObjectId: u.id });

describe('admin questions against the tenant emulator (real msal-node + Graph client)', function () {
  this.timeout(30_000);
  let tenant: Tenant;
  let services: Services;
  let client: DialogTestClient;

  async function ask(text: string, who: { id: string; displayName: string } = DEMO_USERS.carol): Promise<Partial<Activity>> {
    const reply = (await client.sendActivity({ type: 'message', text, from: person(who) } as Partial<Activity>)) as Partial<Activity>;
    assert.equal(client.getNextReply(), undefined, 'one answer');
    return reply;
  }

  before(async () => {
    // A small page size makes every list follow @odata.nextLink.
    tenant = await startTestTenant({ pageSize: 2 });
    services = createServices({
      tenantId: tenant.tenantId,
      authority: tenant.authority,
      knownAuthorities: [tenant.knownAuthority],
      clientId: tenant.botApp.clientId,
      clientSecret: tenant.botApp.clientSecret,
      graphBaseUrl: tenant.url,
      armBaseUrl: tenant.url,
      localSsoUrl: tenant.url,
      graphRetry: { maxRetries: 0, delaySeconds: 0 },
      // PIM Approvers doubles as the admin group here: Bob may ask although he holds no admin role.
      adminGroupId: DEMO_GROUPS.pimApprovers.id,
    });
    client = new DialogTestClient(
      'msteams',
      new MainDialog({
        pim: services.pim,
        admin: services.admin,
        tenantId: tenant.tenantId,
        now: () => tenant.clock.now(),
        logger: silentLogger,
        ...NULL_PORTS,
      }),
    );

    // The script, on every surface: Alice activates Global Reader; asks for User Administrator, which Bob
    // approves through the approvals service (his own token, the real Graph client); activates SRE On-Call
    // membership and asks to own it (approval); activates Reader on rg-web and asks for Contributor on
    // Contoso Prod (approval).
    const alice: UserContext = { userId: DEMO_USERS.alice.id, tenantId: tenant.tenantId };
    const bob: UserContext = { userId: DEMO_USERS.bob.id, tenantId: tenant.tenantId, displayName: DEMO_USERS.bob.displayName };
    const activate = async (key: string, extra: Record<string, unknown> = {}) =>
      services.pim.activate(alice, { eligibilityKey: key, durationMinutes: 60, justification: 'Quarterly review', ...extra });
    assert.equal((await activate(eligibilityKey('entraRole', '/', DEMO_ROLES.globalReader.id))).status, 'provisioned');
    const userAdmin = await activate(eligibilityKey('entraRole', '/', DEMO_ROLES.userAdministrator.id), {
      durationMinutes: 120,
      justification: 'Reset passwords',
      ticket: { number: 'INC-42' },
    });
    assert.equal(userAdmin.status, 'pendingApproval');
    const decided = await services.approvals.decisions.decide(
      bob,
      'entraRole',
      userAdmin.id,
      DEMO_USERS.alice.id,
      'approve',
      'Looks right',
    );
    assert.equal(decided.kind === 'decided' && decided.outcome, 'approved');
    assert.equal((await activate(eligibilityKey('group', DEMO_GROUPS.sreOnCall.id, 'member'))).status, 'provisioned');
    const owner = await activate(eligibilityKey('group', DEMO_GROUPS.sreOnCall.id, 'owner'), {
      justification: 'Rotate the on-call roster',
    });
    assert.equal(owner.status, 'pendingApproval');
    assert.equal((await activate(eligibilityKey('azureResource', RG, armRole(READER)))).status, 'provisioned');
    const contributor = await activate(eligibilityKey('azureResource', SUB, armRole(CONTRIBUTOR)), { justification: 'Deploy hotfix' });
    assert.equal(contributor.status, 'pendingApproval');
    // The group request has waited 90 minutes, the Azure one 30 (the bot reads with its own clock, so the requests are made older).
    await tenant.state.update((d) => {
      d.groupAssignmentRequests!.find((r) => r.id === owner.id)!.createdDateTime = new Date(Date.now() - 90 * 60_000).toISOString();
      d.azure.requests!.find((r) => contributor.id.toLowerCase().endsWith(r.name))!.createdOn = new Date(
        Date.now() - 30 * 60_000,
      ).toISOString();
    });
    tenant.requestLog.clear();
  });
  after(async () => tenant?.close());

  it('"who has Global Reader" / "User Administrator": Alice\'s activations (one approved by Bob) and until when, as the emulator holds them', async () => {
    for (const role of [DEMO_ROLES.globalReader, DEMO_ROLES.userAdministrator]) {
      const text = cardText(await ask(`who has ${role.displayName}`));
      const held = tenant.state.data.roleAssignmentSchedules.filter((s) => s.roleDefinitionId === role.id);
      assert.deepEqual(
        held.map((h) => h.principalId),
        [DEMO_USERS.alice.id],
        role.displayName,
      );
      assert.match(
        text,
        new RegExp(`Alice Adams \\(alice@contoso\\.example\\)\\nPIM activation\\n.*\\n${cardDate(held[0]!.endDateTime!)}`),
        role.displayName,
      );
    }
  });

  it('"who holds Privileged Role Administrator": Carol, permanent, made outside PIM', async () => {
    const text = cardText(await ask('who holds Privileged Role Administrator right now?'));
    assert.match(text, /Carol Chen \(carol@contoso\.example\)[\s\S]*Permanent, assigned outside PIM[\s\S]*Permanent/);
  });

  it('"who is in SRE On-Call" and "who is eligible for SRE On-Call owner": the group as the emulator holds it', async () => {
    const [member, ...others] = (tenant.state.data.groupAssignments ?? []).filter(
      (a) => a.groupId === DEMO_GROUPS.sreOnCall.id && a.accessId === 'member',
    );
    assert.equal(others.length, 0);
    assert.match(
      cardText(await ask('who is in SRE On-Call')),
      new RegExp(
        `Who holds SRE On-Call \\(member\\) now[\\s\\S]*Alice Adams[\\s\\S]*PIM activation\\n.*\\n${cardDate(member!.endDateTime!)}`,
      ),
    );
    const eligible = cardText(await ask('who is eligible for SRE On-Call owner'));
    assert.match(eligible, /Who is eligible for SRE On-Call \(owner\)[\s\S]*Alice Adams/);
    assert.match(cardText(await ask('who holds SRE On-Call owner')), /Nobody holds SRE On-Call \(owner\)/, 'the owner request still waits');
  });

  it('"who holds Reader on rg-web", "who holds Owner on Contoso Prod right now", "who is eligible for Contributor on rg-web": ARM at the scope', async () => {
    const [reader, ...others] = (tenant.state.data.azure.assignments ?? []).filter((a) => a.scope === RG);
    assert.equal(others.length, 0);
    assert.match(
      cardText(await ask('who holds Reader on rg-web')),
      new RegExp(`Who holds Reader on rg-web now[\\s\\S]*Alice Adams[\\s\\S]*PIM activation\\n.*\\n${cardDate(reader!.endDateTime!)}`),
    );
    assert.equal(
      (tenant.state.data.azure.assignments ?? []).filter((a) => a.roleDefinitionId.endsWith('8e3af657-a8ff-443c-a75c-2fe8c4bcb635')).length,
      0,
    );
    assert.match(cardText(await ask('who holds Owner on Contoso Prod right now')), /Nobody holds Owner on Contoso Prod right now/);
    // Eligible at the subscription, so at every resource group in it.
    assert.match(
      cardText(await ask('who is eligible for Contributor on rg-web')),
      /Alice Adams \(alice@contoso\.example\), inherited from Contoso Prod/,
    );
    const armCalls = tenant.requestLog.entries().filter((e) => e.path.includes('/providers/Microsoft.Authorization/'));
    assert.ok(armCalls.length > 0 && armCalls.every((e) => e.caller === DEMO_USERS.carol.id), "ARM read with Carol's own token");
  });

  it('"who is eligible for User Administrator": Alice', async () => {
    const text = cardText(await ask('who is eligible for User Administrator'));
    assert.match(text, /Alice Adams/);
    assert.doesNotMatch(text, /Bob Brown|Erin Evans/);
  });

  it('"pending approvals" and "requests waiting more than 1 hour": every surface\'s waiting requests, as the emulator holds them', async () => {
    const d = tenant.state.data;
    const waiting = [
      ...d.roleAssignmentScheduleRequests.filter((r) => r.status === 'PendingApproval'),
      ...(d.groupAssignmentRequests ?? []).filter((r) => r.status === 'PendingApproval'),
      ...(d.azure.requests ?? []).filter((r) => r.status === 'PendingApproval'),
    ];
    assert.equal(waiting.length, 2, 'the group owner and the Contributor requests (User Administrator was approved)');
    const all = cardText(await ask('pending approvals'));
    assert.match(all, /Alice Adams\nOwner · SRE On-Call\n1 hour 30 minutes\n1 hour\nRotate the on-call roster/);
    assert.match(all, /Alice Adams \(alice@contoso\.example\)\nContributor · Contoso Prod\n30 minutes\n1 hour\nDeploy hotfix/);
    assert.doesNotMatch(all, /User Administrator|not included/);
    const old = cardText(await ask('requests waiting more than 1 hour'));
    assert.match(old, /SRE On-Call/);
    assert.doesNotMatch(old, /Contributor/);
    assert.match(cardText(await ask('requests waiting more than 2 hours')), /Nothing is waiting for approval/);
  });

  it('"what did alice activate today": every surface and Bob\'s approval, from the audit log (read app-only: PRA may not read audit logs)', async () => {
    tenant.requestLog.clear();
    const text = cardText(await ask('what did alice activate today'));
    const entries = (tenant.state.data.directoryAudits ?? []).filter((e) => e.targetResources.some((t) => t.id === DEMO_USERS.alice.id));
    assert.equal(entries.length, 7, entries.map((e) => e.activityDisplayName).join('; '));
    // Each audit entry is one row, told in words, never in the raw log's wording.
    const sentences = text.split('\n').filter((l) => /^(Alice Adams|Bob Brown) (activated|asked for|approved) /.test(l));
    assert.equal(sentences.length, entries.length, sentences.join('\n'));
    assert.doesNotMatch(text, /\(PIM activation\)/);
    assert.match(text, /Bob Brown approved Alice Adams's request for User Administrator: Looks right/);
    assert.match(text, /Alice Adams activated SRE On-Call \(member\) \(justification: Quarterly review\)/);
    assert.match(text, /Alice Adams asked for SRE On-Call \(owner\) \(justification: Rotate the on-call roster\)/);
    assert.match(text, /Alice Adams activated Reader on rg-web/);
    assert.match(text, /Alice Adams asked for Contributor on Contoso Prod \(justification: Deploy hotfix\)/);
    const audits = tenant.requestLog.entries().filter((e) => e.path.endsWith('/auditLogs/directoryAudits'));
    assert.deepEqual(audits.map((e) => e.status).slice(0, 2), [403, 200], "Carol's token is refused, the app's is not");
  });

  it('"activations of Global Reader today"', async () => {
    const text = cardText(await ask('activations of Global Reader today'));
    assert.match(text, /Alice Adams[\s\S]*Global Reader/);
    assert.doesNotMatch(text, /User Administrator|SRE On-Call|rg-web/);
  });

  it('"alerts", "show incidents for <alert>" and "rescan alerts"', async () => {
    const alerts = cardText(await ask('alerts'));
    assert.match(alerts, /High[\s\S]*Roles are being assigned outside of Privileged Identity Management\n1/);
    assert.match(alerts, /Roles don't require multi-factor authentication for activation/);
    const incidents = cardText(await ask('show incidents for roles assigned outside PIM'));
    assert.match(incidents, /Carol Chen[\s\S]*holds Privileged Role Administrator/);
    const rescan = cardText(await ask('rescan alerts'));
    assert.match(rescan, /PIM alerts after the rescan/);
    assert.ok(
      tenant.requestLog
        .entries()
        .some((e) => e.method === 'POST' && e.path.endsWith('/roleManagementAlerts/alerts/refresh') && e.status === 202),
    );
  });

  it('"rescan the <alert name> alert": one alert is refreshed with no request body (Microsoft\'s alerts.refresh.single example)', async () => {
    const before = tenant.requestLog.entries().length;
    const rescan = cardText(await ask('rescan the roles assigned outside PIM alert'));
    assert.match(rescan, /Rescanned: Roles are being assigned outside of Privileged Identity Management/);
    const posts = tenant.requestLog
      .entries()
      .slice(before)
      .filter((e) => e.method === 'POST' && /\/roleManagementAlerts\/alerts\/[^/]+\/refresh$/.test(e.path));
    assert.deepEqual(
      posts.map((e) => e.status),
      [202],
    );
  });

  it('"settings of User Administrator", "of SRE On-Call owner", "of Contributor on Contoso Prod": from the policy rules', async () => {
    const text = cardText(await ask('settings of User Administrator'));
    assert.match(text, /Maximum activation\n4 hours/);
    assert.match(text, /Approval\nRequired: PIM Approvers/);
    assert.match(text, /Justification\nRequired[\s\S]*Ticket\nRequired/);
    assert.match(
      cardText(await ask('settings of SRE On-Call owner')),
      /Settings of SRE On-Call \(owner\)[\s\S]*Approval\nRequired: PIM Approvers/,
    );
    const policy = tenant.state.data.azure.policies.find((p) => p.scope === SUB && p.roleDefinitionId.endsWith(CONTRIBUTOR))!;
    assert.deepEqual([policy.maximumDuration, policy.approvalRequired, policy.enabledRules], ['PT8H', true, ['Justification']]);
    const azure = cardText(await ask('settings of Contributor on Contoso Prod'));
    assert.match(
      azure,
      /Settings of Contributor on Contoso Prod[\s\S]*Maximum activation\n8 hours[\s\S]*Approval\nRequired: PIM Approvers[\s\S]*Justification\nRequired[\s\S]*Ticket\nNot required/,
    );
  });

  it("Erin (not an admin) is refused; Bob (admin group) asks with the app's token", async () => {
    assert.equal((await ask('who has Global Administrator', DEMO_USERS.erin)).text, REFUSAL);
    assert.equal((await ask('pending approvals', DEMO_USERS.erin)).text, REFUSAL);
    tenant.requestLog.clear();
    const bobs = cardText(await ask('pending approvals', DEMO_USERS.bob));
    assert.match(bobs, /Alice Adams[\s\S]*Owner · SRE On-Call/);
    assert.match(bobs, /Azure resource requests are shown to askers with an active PIM administrator role/);
    const tenantWide = tenant.requestLog
      .entries()
      .filter((e) => e.path.endsWith('/roleAssignmentScheduleRequests') || e.path.endsWith('/group/assignmentScheduleRequests'));
    assert.ok(tenantWide.length > 0 && tenantWide.every((e) => e.caller === tenant.botApp.clientId), 'read app-only');
    assert.match((await ask('who holds Owner on Contoso Prod', DEMO_USERS.bob)).text ?? '', /read with your own Azure access/);
  });

  it('an injection attempt is an unknown role: no extra data, and no user text in any $filter', async () => {
    tenant.requestLog.clear();
    const reply = await ask("who has Global Administrator' or 1 eq 1");
    assert.match(reply.text ?? '', /I don't know a role called "Global Administrator or 1 eq 1"/);
    await ask('what did alice activate this week');
    await ask('who is eligible for User Administrator');
    const filters = tenant.requestLog
      .entries()
      .map((e) => new URLSearchParams(e.query).get('$filter'))
      .filter((f): f is string => f !== null);
    assert.ok(filters.length > 0);
    for (const f of filters) {
      assert.doesNotMatch(f, /1 eq 1|alice|Administrator/i, f);
      // Only property names, operators, GUIDs, ISO dates and fixed literals.
      const literals = [...f.matchAll(/'([^']*)'/g)].map((m) => m[1]!);
      for (const l of literals) assert.match(l, /^([0-9a-f-]{36}|\/|DirectoryRole|Group|PIM|PendingApproval|member|owner)$/i, f);
    }
  });
});
