// Admin answers in words, end to end over the real clients against the tenant emulator: after a
// script on all three surfaces with an approval, a denial and a cancellation, the audit and history
// read as sentences with names (never object ids), and the new answers ("who is active right now",
// "who approved alice's last request", "what did bob approve today") match the emulator's state.
import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { DEMO_AZURE, DEMO_GROUPS, DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
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
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

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
/** What a reader sees: the text without the card's date functions (whose arguments are ISO times, not ids). */
const prose = (t: string) => t.replace(/\{\{(DATE|TIME)\([^)]*\)\}\}/g, '');
const person = (u: { id: string; displayName: string }) => ({ id: `29:${u.id}`, name: u.displayName, aadObjectId: u.id });

describe('admin answers in words against the tenant emulator (real msal-node, Graph and ARM clients)', function () {
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

    // Alice: Global Reader for 2 hours (no approval); User Administrator, denied by Dave; SRE On-Call
    // member (no approval) and owner, which she cancels; Reader on rg-web; Contributor on Contoso Prod,
    // approved by Bob (ARM's approval).
    const alice: UserContext = { userId: DEMO_USERS.alice.id, tenantId: tenant.tenantId, displayName: DEMO_USERS.alice.displayName };
    const bob: UserContext = { userId: DEMO_USERS.bob.id, tenantId: tenant.tenantId, displayName: DEMO_USERS.bob.displayName };
    const dave: UserContext = { userId: DEMO_USERS.dave.id, tenantId: tenant.tenantId, displayName: DEMO_USERS.dave.displayName };
    const activate = (key: string, extra: Record<string, unknown> = {}) =>
      services.pim.activate(alice, { eligibilityKey: key, durationMinutes: 60, justification: 'Quarterly review', ...extra });
    assert.equal(
      (await activate(eligibilityKey('entraRole', '/', DEMO_ROLES.globalReader.id), { durationMinutes: 120, justification: 'Audit prep' }))
        .status,
      'provisioned',
    );
    const userAdmin = await activate(eligibilityKey('entraRole', '/', DEMO_ROLES.userAdministrator.id), {
      justification: 'Reset passwords',
      ticket: { number: 'INC-42' },
    });
    const denied = await services.approvals.decisions.decide(
      dave,
      'entraRole',
      userAdmin.id,
      DEMO_USERS.alice.id,
      'deny',
      'Use the helpdesk queue',
    );
    assert.equal(denied.kind === 'decided' && denied.outcome, 'denied');
    assert.equal((await activate(eligibilityKey('group', DEMO_GROUPS.sreOnCall.id, 'member'))).status, 'provisioned');
    const owner = await activate(eligibilityKey('group', DEMO_GROUPS.sreOnCall.id, 'owner'), { justification: 'Rotate the roster' });
    await services.pim.cancel(alice, { surface: 'group', id: owner.id });
    assert.equal((await activate(eligibilityKey('azureResource', RG, armRole(READER)))).status, 'provisioned');
    const contributor = await activate(eligibilityKey('azureResource', SUB, armRole(CONTRIBUTOR)), { justification: 'Deploy hotfix' });
    const approved = await services.approvals.decisions.decide(
      bob,
      'azureResource',
      contributor.id,
      DEMO_USERS.alice.id,
      'approve',
      'Go ahead',
      contributor.approvalId,
    );
    assert.equal(approved.kind === 'decided' && approved.outcome, 'approved');
  });

  after(async () => {
    await tenant?.close();
  });

  it('"what did alice activate today": every entry a sentence with names (activation with duration and justification, denial with reason, cancellation, approval), no object id', async () => {
    const text = cardText(await ask('what did alice activate today'));
    assert.match(text, /What Alice Adams activated today/);
    assert.match(text, /Alice Adams activated Global Reader for 2 hours \(justification: Audit prep\)/);
    assert.match(text, /Dave Diaz denied Alice Adams's request for User Administrator: Use the helpdesk queue/);
    assert.match(text, /Alice Adams cancelled their request for SRE On-Call \(owner\)/);
    assert.match(text, /Bob Brown approved Alice Adams's request for Contributor on Contoso Prod: Go ahead/);
    assert.match(text, /Alice Adams activated Reader on rg-web/);
    assert.doesNotMatch(prose(text), GUID, 'names, never object ids');
    assert.doesNotMatch(text, /PIM activation\)|Done|Provisioned/, 'no raw log wording');
    // The emulator audits the group cancellation and the ARM approval as PIM does.
    const audits = (tenant.state.data.directoryAudits ?? []).map((e) => e.activityDisplayName);
    assert.ok(audits.includes('Add member to group request canceled (PIM activation)'));
    assert.ok(audits.includes('Add member to role request approved (PIM activation)'));
  });

  it('an employee\'s own history: in words, as "You", never an object id', async () => {
    const text = cardText(await ask('what did I activate today', DEMO_USERS.alice));
    assert.match(text, /You activated Global Reader for 2 hours \(justification: Audit prep\)/);
    assert.match(text, /Your request for User Administrator was denied/);
    // Every surface, not only Entra roles: her PIM group and Azure requests, read as herself.
    assert.match(text, /You activated SRE On-Call \(member\) for 1 hour \(justification: Quarterly review\)/);
    assert.match(text, /You cancelled your request for SRE On-Call \(owner\)/);
    assert.match(text, /You activated Contributor on Contoso Prod for 1 hour \(justification: Deploy hotfix\)/);
    assert.match(text, /You activated Reader on rg-web for 1 hour/);
    assert.doesNotMatch(prose(text), GUID);
    assert.doesNotMatch(text, /selfActivate|Provisioned/);
  });

  it('"who approved alice\'s last request" and "what did bob approve today"', async () => {
    const last = (await ask("who approved alice's last request")).text ?? '';
    assert.match(
      last,
      /^Bob Brown approved Alice Adams's last request, for Contributor on Contoso Prod \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\): Go ahead$/,
    );
    const bobs = cardText(await ask('what did bob approve today'));
    assert.match(bobs, /What Bob Brown approved or denied today/);
    assert.match(bobs, /Bob Brown approved Alice Adams's request for Contributor on Contoso Prod/);
    assert.doesNotMatch(bobs, /Dave Diaz|User Administrator/, "Dave's denial is not Bob's");
    const daves = cardText(await ask('what did dave decide today'));
    assert.match(daves, /Dave Diaz denied Alice Adams's request for User Administrator: Use the helpdesk queue/);
  });

  it('"who is active right now" / "who has privileged access now": every active assignment on all three surfaces, with end and how', async () => {
    for (const q of ['who is active right now', 'who has privileged access now']) {
      const text = cardText(await ask(q));
      assert.match(text, /Who has privileged access now/);
      assert.match(text, /Alice Adams holds Global Reader\nActivated, until \{\{DATE/);
      assert.match(text, /Alice Adams holds Member of SRE On-Call\nActivated, until/);
      assert.match(text, /Alice Adams holds Contributor on Contoso Prod\nActivated, until/);
      assert.match(text, /Alice Adams holds Reader on rg-web\nActivated, until/);
      assert.match(text, /Carol Chen holds Privileged Role Administrator\nAssigned/);
      assert.doesNotMatch(text, /User Administrator|Owner of SRE On-Call/, 'denied and cancelled requests hold nothing');
      assert.doesNotMatch(prose(text), GUID);
    }
    assert.match((await ask('who is active right now', DEMO_USERS.erin)).text ?? '', /for PIM administrators/);
  });

  it('alerts: firing ones first, marked in words, and the hint names one; settings flag risky values', async () => {
    const alerts = cardText(await ask('alerts'));
    const rows = [...alerts.matchAll(/(🔴 Firing|✅ Quiet) · /g)].map((m) => m[1]);
    assert.ok(rows.length > 1 && rows[0] === '🔴 Firing');
    assert.deepEqual(
      rows,
      [...rows].sort((a, b) => Number(b === '🔴 Firing') - Number(a === '🔴 Firing')),
      'every firing alert before every quiet one',
    );
    assert.match(alerts, /\d+ firing\. Say "show incidents for [^"]+" for the details/);
    const settings = cardText(await ask('settings of Global Reader'));
    assert.match(settings, /Approval\n⚠️ Not required \(risky\)/);
    assert.match(settings, /⚠️ Worth a look: .*no approval/);
    const strict = cardText(await ask('settings of User Administrator'));
    assert.match(strict, /Approval\nRequired: PIM Approvers/);
  });

  it("settings: no MFA or approval is risky on a privileged role only (the role definition's isPrivileged); permanent eligibility always", async () => {
    const reader = cardText(await ask('settings of Global Reader'));
    assert.match(reader, /Privileged role\nYes/);
    assert.match(reader, /MFA on activation\n⚠️ Not required \(risky\)/);
    assert.match(
      reader,
      /Worth a look: no MFA on activation of a privileged role, no approval on a privileged role, permanent eligibility allowed/,
    );
    // Billing Administrator is not privileged in Entra: needing no approval there is PIM's default, not a risk.
    const billing = cardText(await ask('settings of Billing Administrator'));
    assert.match(billing, /Privileged role\nNo/);
    assert.match(billing, /Approval\nNot required\n/);
    assert.doesNotMatch(billing, /no approval|Approval\n⚠️/);
    assert.match(billing, /Eligible assignments\n⚠️ May be permanent \(risky\)/);
    assert.match(billing, /Worth a look: permanent eligibility allowed/);
  });
});
