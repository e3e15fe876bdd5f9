// What the emulator grew for approvers, over HTTPS as Graph and ARM answer it: users' department (only
// on $select, as Graph) and manager ($expand, a directoryObject with its @odata.type), Entra role
// definitions' isPrivileged, ARM role definitions' description, and the approver views of requests
// (Graph filterByCurrentUser(on='approver'), ARM asApprover()): a user sees exactly the requests they
// may decide — not their own, not anyone else's role.
import assert from 'node:assert/strict';
import type { TenantEmulator } from '../../../emulator/tenant';
import { DEMO_AZURE, DEMO_GROUPS, DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { startTestTenant } from '../../../emulator/stack/tenant';
import { activationBody, call, RM } from './http';

const SUB = `/subscriptions/${DEMO_AZURE.subscription.id}`;
const AUTHZ = '/providers/Microsoft.Authorization';
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const G = '/v1.0/identityGovernance/privilegedAccess/group';

async function appToken(t: TenantEmulator): Promise<string> {
  const r = await fetch(`${t.authority}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: t.botApp.clientId,
      client_secret: t.botApp.clientSecret,
      scope: 'https://graph.microsoft.com/.default',
    }).toString(),
  });
  return ((await r.json()) as { access_token: string }).access_token;
}

describe('emulator: what approvers need (directory profile, role definitions, approver views)', () => {
  let t: TenantEmulator;
  const user = (id: string, audience?: 'arm') => t.tokens.user({ userId: id, ...(audience ? { audience } : {}) });

  before(async () => {
    t = await startTestTenant();
  });
  after(() => t.close());
  afterEach(() => t.reset());

  it('users: department only when selected, manager through $expand', async () => {
    const app = await appToken(t);
    const plain = await call(t, 'GET', `/v1.0/users/${DEMO_USERS.alice.id}`, { token: app });
    assert.equal(plain.status, 200);
    assert.equal(plain.json.jobTitle, 'Site Reliability Engineer');
    assert.ok(!('department' in plain.json), "not among Graph's default properties");
    const picked = await call(
      t,
      'GET',
      `/v1.0/users/${DEMO_USERS.alice.id}?$select=id,jobTitle,department&$expand=manager($select=displayName)`,
      { token: app },
    );
    assert.equal(picked.status, 200, JSON.stringify(picked.json));
    assert.deepEqual(
      { jobTitle: picked.json.jobTitle, department: picked.json.department, manager: picked.json.manager },
      {
        jobTitle: 'Site Reliability Engineer',
        department: 'Platform Engineering',
        manager: { '@odata.type': '#microsoft.graph.user', displayName: 'Bob Brown' },
      },
    );
    const noManager = await call(t, 'GET', `/v1.0/users/${DEMO_USERS.carol.id}?$select=id&$expand=manager`, { token: app });
    assert.ok(!('manager' in noManager.json), 'Graph leaves out a manager nobody is');
  });

  it('Entra role definitions say whether they are privileged; ARM role definitions say what they allow', async () => {
    const app = await appToken(t);
    const ua = await call(t, 'GET', `${RM}/roleDefinitions/${DEMO_ROLES.userAdministrator.id}?$select=id,description,isPrivileged`, {
      token: app,
    });
    assert.deepEqual(
      [ua.json.isPrivileged, ua.json.description],
      [true, 'Can manage all aspects of users and groups, including resetting passwords for limited admins.'],
    );
    const billing = await call(t, 'GET', `${RM}/roleDefinitions/b0f54661-2d74-4c50-afa3-1ec803f12efe?$select=isPrivileged`, { token: app });
    assert.equal(billing.json.isPrivileged, false);
    const contributor = await call(t, 'GET', `${SUB}${AUTHZ}/roleDefinitions/${CONTRIBUTOR}?api-version=2022-04-01`, {
      token: user(DEMO_USERS.alice.id, 'arm'),
    });
    assert.equal(contributor.status, 200);
    assert.match(
      contributor.json.properties.description,
      /^Grants full access to manage all resources, but does not allow you to assign roles/,
    );
  });

  it("approver views: Bob sees Alice's pending requests on all three surfaces; Alice not her own; Erin nothing", async () => {
    const alice = user(DEMO_USERS.alice.id);
    const entra = await call(t, 'POST', `${RM}/roleAssignmentScheduleRequests`, {
      token: alice,
      body: activationBody(DEMO_USERS.alice.id, DEMO_ROLES.userAdministrator.id, {
        ticketInfo: { ticketNumber: 'INC-1', ticketSystem: 'x' },
      }),
    });
    assert.equal(entra.status, 201, JSON.stringify(entra.json));
    const group = await call(t, 'POST', `${G}/assignmentScheduleRequests`, {
      token: alice,
      body: {
        accessId: 'owner',
        principalId: DEMO_USERS.alice.id,
        groupId: DEMO_GROUPS.sreOnCall.id,
        action: 'selfActivate',
        justification: 'pager',
        scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT1H' } },
      },
    });
    assert.equal(group.status, 201, JSON.stringify(group.json));
    const name = '0a11ce00-aaaa-4000-8000-000000000001';
    const azure = await call(t, 'PUT', `${SUB}${AUTHZ}/roleAssignmentScheduleRequests/${name}?api-version=2020-10-01`, {
      token: user(DEMO_USERS.alice.id, 'arm'),
      body: {
        properties: {
          principalId: DEMO_USERS.alice.id,
          roleDefinitionId: `${SUB}${AUTHZ}/roleDefinitions/${CONTRIBUTOR}`,
          requestType: 'SelfActivate',
          justification: 'deploy',
          scheduleInfo: { expiration: { type: 'AfterDuration', duration: 'PT1H' } },
        },
      },
    });
    assert.equal(azure.status, 201, JSON.stringify(azure.json));

    const graphView = async (path: string, who: string) =>
      ((await call(t, 'GET', `${path}/filterByCurrentUser(on='approver')`, { token: user(who) })).json.value as Array<{ id: string }>).map(
        (r) => r.id,
      );
    const armView = async (who: string) => {
      const r = await call(t, 'GET', `${AUTHZ}/roleAssignmentScheduleRequests?api-version=2020-10-01&$filter=asApprover()`, {
        token: user(who, 'arm'),
      });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      return (r.json.value as Array<{ name: string }>).map((x) => x.name);
    };
    assert.deepEqual(await graphView(`${RM}/roleAssignmentScheduleRequests`, DEMO_USERS.bob.id), [entra.json.id]);
    assert.deepEqual(await graphView(`${G}/assignmentScheduleRequests`, DEMO_USERS.bob.id), [group.json.id]);
    assert.deepEqual(await armView(DEMO_USERS.bob.id), [name]);
    assert.deepEqual(await armView(DEMO_USERS.dave.id), [name], 'every listed approver');
    for (const who of [DEMO_USERS.alice.id, DEMO_USERS.erin.id]) {
      assert.deepEqual(await graphView(`${RM}/roleAssignmentScheduleRequests`, who), []);
      assert.deepEqual(await graphView(`${G}/assignmentScheduleRequests`, who), []);
      assert.deepEqual(await armView(who), []);
    }
  });
});
