// Activations that end by themselves appear in the history: the emulator writes PIM's "activation
// expired" audit entry (initiated by PIM's own app, dated when the activation ended on its clock) for
// every surface, once, and the admin history reads "Alice Adams's Global Reader expired". An activation
// someone ended is a deactivation, not an expiry. Real msal-node, Graph and ARM clients.
import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { DEMO_AZURE, DEMO_GROUPS, DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { MS_PIM_APP } from '../../../emulator/tenant/pim/expiries';
import { NULL_PORTS, silentLogger } from '../../../dialogs/deps';
import { MainDialog } from '../../../dialogs/mainDialog';
import { createServices, type Services } from '../../../services';
import { eligibilityKey, type UserContext } from '../../../services/pim/model';
import { startTestTenant } from '../../../emulator/stack/tenant';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;
const SUB = `/subscriptions/${DEMO_AZURE.subscription.id}`;
const RG = `${SUB}/resourceGroups/${DEMO_AZURE.resourceGroup.name}`;
const READER = `${SUB}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`;
const CONTRIBUTOR = `${SUB}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c`;
/** Tomorrow 09:00 UTC: a morning, so "today" holds however long the activations run, and not behind the bot's wall clock. */
const START = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 + 33 * 3600_000);
const EXPIRED = /\(PIM activation expired\)$/;

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

describe('activation expiries in the audit log and the admin history (tenant emulator, real clients)', function () {
  this.timeout(30_000);
  let tenant: Tenant;
  let services: Services;
  let client: DialogTestClient;
  const expiries = () => (tenant.state.data.directoryAudits ?? []).filter((e) => EXPIRED.test(e.activityDisplayName));

  async function ask(text: string): Promise<string> {
    const carol = DEMO_USERS.carol;
    const reply = (await client.sendActivity({
      type: 'message',
      text,
      from: { id: `29:${carol.id}`, name: carol.displayName, aadObjectId: carol.id },
    } as Partial<Activity>)) as Partial<Activity>;
    return cardText(reply) || (reply.text ?? '');
  }

  before(async () => {
    tenant = await startTestTenant();
    tenant.clock.set(START);
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
    const alice: UserContext = { userId: DEMO_USERS.alice.id, tenantId: tenant.tenantId, displayName: DEMO_USERS.alice.displayName };
    const activate = (key: string, minutes: number) =>
      services.pim.activate(alice, { eligibilityKey: key, durationMinutes: minutes, justification: 'Quarterly review' });
    assert.match((await activate(eligibilityKey('entraRole', '/', DEMO_ROLES.globalReader.id), 120)).status, /^(provisioned|granted)$/);
    assert.match((await activate(eligibilityKey('group', DEMO_GROUPS.sreOnCall.id, 'member'), 60)).status, /^(provisioned|granted)$/);
    assert.match((await activate(eligibilityKey('azureResource', RG, READER), 60)).status, /^(provisioned|granted)$/);
    // Contributor needs Bob's approval: approved, then Alice ends it herself before it would run out.
    const contributor = await activate(eligibilityKey('azureResource', SUB, CONTRIBUTOR), 60);
    const bob: UserContext = { userId: DEMO_USERS.bob.id, tenantId: tenant.tenantId, displayName: DEMO_USERS.bob.displayName };
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
    tenant.clock.set(new Date(START.getTime() + 10 * 60_000));
    const mine = await services.pim.listActive(alice);
    const live = mine.find((a) => /Contributor/.test(a.roleName));
    assert.ok(live, `Contributor is active after approval: ${JSON.stringify(mine.map((a) => [a.roleName, a.surface]))}`);
    await services.pim.deactivate(alice, live.key);
  });

  after(async () => {
    await tenant?.close();
  });

  it('nothing is written before an activation ends', async () => {
    tenant.clock.set(new Date(START.getTime() + 30 * 60_000));
    const text = await ask('pim history today');
    assert.match(text, /Alice Adams activated Global Reader/);
    assert.doesNotMatch(text, /expired/);
    assert.equal(expiries().length, 0);
  });

  it('after the ends: one entry per surface, by MS-PIM, dated at the end; the history reads "… expired"; reading again adds nothing', async () => {
    tenant.clock.set(new Date(START.getTime() + 3 * 3600_000));
    const text = await ask('pim history today');
    assert.match(text, /Alice Adams's Global Reader expired/);
    assert.match(text, /Alice Adams's SRE On-Call \(member\) expired/);
    assert.match(text, /Alice Adams's Reader on rg-web expired/);
    assert.doesNotMatch(text, /Contributor on Contoso Prod expired/, 'ended by Alice, not by itself');
    assert.match(text, /Alice Adams deactivated Contributor on Contoso Prod/);

    const entries = expiries();
    assert.deepEqual(entries.map((e) => e.activityDisplayName).sort(), [
      'Remove member from group (PIM activation expired)',
      'Remove member from role (PIM activation expired)',
      'Remove member from role (PIM activation expired)',
    ]);
    assert.deepEqual(entries.map((e) => e.category).sort(), ['GroupManagement', 'ResourceManagement', 'RoleManagement']);
    for (const e of entries) {
      assert.equal(e.initiatedBy.user, null);
      assert.equal(e.initiatedBy.app?.appId, MS_PIM_APP.id);
      assert.equal(e.loggedByService, 'PIM');
      assert.equal(e.operationType, 'Delete');
    }
    const gr = entries.find((e) => e.targetResources.some((t) => t.displayName === 'Global Reader'));
    assert.equal(gr?.activityDateTime, new Date(START.getTime() + 120 * 60_000).toISOString(), 'dated when the activation ended');
    // The log stays in time order (it is listed newest first), though written later than its date.
    const times = (tenant.state.data.directoryAudits ?? []).map((e) => e.activityDateTime);
    assert.deepEqual(times, [...times].sort());

    await ask('pim history today');
    assert.equal(expiries().length, 3, 'written once');
    // A person's own activations show how they ended too.
    assert.match(await ask('what did alice activate today'), /Alice Adams's Global Reader expired/);
  });
});
