// The real Graph SDK client against the local tenant: listing, activating, paging, OData errors, access.
import assert from 'node:assert/strict';
import { Client, type AuthenticationProvider } from '@microsoft/microsoft-graph-client';
import type { TenantEmulator } from '../../../emulator/tenant';
import { DEMO_GROUPS, DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { startTestTenant } from '../../../emulator/stack/tenant';
import { activationBody, call, RM } from './http';

function graphClient(t: TenantEmulator, token: () => string): Client {
  const authProvider: AuthenticationProvider = { getAccessToken: async () => token() };
  // customHosts makes the SDK send the Authorization header to a host other than graph.microsoft.com.
  return Client.initWithMiddleware({ authProvider, baseUrl: `${t.url}/`, customHosts: new Set(['localhost']), defaultVersion: 'v1.0' });
}

describe('emulator Graph v1.0 with the real Graph SDK client', () => {
  let t: TenantEmulator;
  const alice = () => t.tokens.user({ userId: DEMO_USERS.alice.id });
  const carol = () => t.tokens.user({ userId: DEMO_USERS.carol.id });
  const erin = () => t.tokens.user({ userId: DEMO_USERS.erin.id });

  before(async () => {
    t = await startTestTenant({ pageSize: 2 });
  });
  after(() => t.close());
  afterEach(async () => {
    t.faults.clear();
    t.clock.useRealTime();
    await t.reset();
  });

  it("lists Alice's eligibilities (filterByCurrentUser, expanded) and activates Global Reader", async () => {
    const client = graphClient(t, alice);
    const page = await client
      .api(`/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')`)
      .expand('roleDefinition')
      .get();
    const names: string[] = [];
    let next: string | undefined = page['@odata.nextLink'];
    for (const v of page.value) names.push(v.roleDefinition.displayName);
    while (next) {
      const more = await client.api(next).get();
      for (const v of more.value) names.push(v.roleDefinition.displayName);
      next = more['@odata.nextLink'];
    }
    assert.deepEqual(names.sort(), ['Global Reader', 'Security Administrator', 'User Administrator']);

    const created = await client.api('/roleManagement/directory/roleAssignmentScheduleRequests').post(
      activationBody(DEMO_USERS.alice.id, DEMO_ROLES.globalReader.id, {
        scheduleInfo: { expiration: { type: 'AfterDuration', duration: 'PT2H' } },
      }),
    );
    assert.equal(created.status, 'Provisioned');
    assert.equal(created.action, 'selfActivate');
    assert.equal(created.scheduleInfo.expiration.type, 'afterDuration');
    const active = await client.api(`/roleManagement/directory/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')`).get();
    assert.equal(active.value.length, 1);
    assert.equal(active.value[0].roleDefinitionId, DEMO_ROLES.globalReader.id);
    assert.equal(active.value[0].assignmentType, 'Activated');
    assert.equal(t.state.activeAssignments(DEMO_USERS.alice.id).length, 1);
    const mine = await client.api(`/roleManagement/directory/roleAssignmentScheduleRequests/filterByCurrentUser(on='principal')`).get();
    assert.equal(mine.value[0].id, created.id);
    const byId = await client
      .api(`/roleManagement/directory/roleAssignmentScheduleRequests/${created.id}`)
      .expand('roleDefinition,principal')
      .get();
    assert.equal(byId.roleDefinition.displayName, 'Global Reader');
    assert.equal(byId.principal.userPrincipalName, DEMO_USERS.alice.userPrincipalName);
  });

  it('the activation ends when the PIM clock passes its end (computed at read time)', async () => {
    await call(t, 'POST', `${RM}/roleAssignmentScheduleRequests`, {
      token: alice(),
      body: activationBody(DEMO_USERS.alice.id, DEMO_ROLES.globalReader.id),
    });
    t.clock.set(new Date(Date.now() + 61 * 60 * 1000));
    const r = await call(t, 'GET', `${RM}/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')`, { token: alice() });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.value, []);
  });

  it('follows @odata.nextLink with a small page size, and $top sets the page size', async () => {
    const client = graphClient(t, carol);
    let page = await client.api('/roleManagement/directory/roleDefinitions').get();
    const ids: string[] = page.value.map((v: { id: string }) => v.id);
    assert.equal(page.value.length, 2);
    while (page['@odata.nextLink']) {
      assert.ok(String(page['@odata.nextLink']).startsWith(`${t.url}/v1.0/roleManagement/directory/roleDefinitions?`));
      page = await client.api(page['@odata.nextLink']).get();
      ids.push(...page.value.map((v: { id: string }) => v.id));
    }
    assert.equal(ids.length, t.state.data.roleDefinitions.length);
    assert.equal(new Set(ids).size, ids.length);
    const top = await call(t, 'GET', `/v1.0/roleManagement/directory/roleDefinitions?$top=5&$select=id,displayName`, { token: carol() });
    assert.equal(top.json.value.length, 5);
    assert.deepEqual(Object.keys(top.json.value[0]), ['id', 'displayName']);
    // A skip token only works with the query it was issued for.
    const token = new URL(top.json['@odata.nextLink']).searchParams.get('$skiptoken');
    const replay = await call(t, 'GET', `/v1.0/roleManagement/directory/roleDefinitions?$top=5&$skiptoken=${token}`, { token: carol() });
    assert.equal(replay.status, 400);
  });

  it('filters with $filter (eq, in, and, or) and answers with Graph error bodies on bad queries', async () => {
    const ok = await call(
      t,
      'GET',
      `/v1.0/roleManagement/directory/roleDefinitions?$filter=${encodeURIComponent(`displayName eq 'Global Reader' or id in ('${DEMO_ROLES.userAdministrator.id}', '${DEMO_ROLES.securityAdministrator.id}')`)}&$top=10`,
      { token: alice() },
    );
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.json.value.map((v: { displayName: string }) => v.displayName).sort(), [
      'Global Reader',
      'Security Administrator',
      'User Administrator',
    ]);
    for (const q of [
      `$filter=${encodeURIComponent("displayName eq 'x")}`,
      `$filter=${encodeURIComponent("nosuchProperty eq 'x'")}`,
      `$filter=${encodeURIComponent("' or 1 eq 1")}`,
      `$filter=${encodeURIComponent('1 eq 1')}`,
      `$filter=${encodeURIComponent("contains(displayName,'x')")}`,
      '$fitler=x',
      '$top=abc',
      '$select=nope',
      '$expand=nope',
      '$filter=a&$filter=b',
    ]) {
      const r = await call(t, 'GET', `/v1.0/roleManagement/directory/roleDefinitions?${q}`, { token: alice() });
      assert.equal(r.status, 400, q);
      assert.equal(r.json.error.code, 'BadRequest', q);
      assert.equal(typeof r.json.error.message, 'string');
      assert.deepEqual(Object.keys(r.json.error.innerError), ['date', 'request-id', 'client-request-id']);
    }
    // Graph answers a segment it does not know with 400, naming the segment (not 404).
    for (const [path, segment] of [
      ['/v1.0/roleManagement/directory/noSuchThing', 'noSuchThing'],
      ['/v1.0/noSuchEntitySet/x', 'noSuchEntitySet'],
      [`/v1.0/users/${DEMO_USERS.alice.id}/noSuchProperty`, 'noSuchProperty'],
    ]) {
      const unknown = await call(t, 'GET', path!, { token: alice() });
      assert.equal(unknown.status, 400, path);
      assert.equal(unknown.json.error.code, 'BadRequest', path);
      assert.equal(unknown.json.error.message, `Resource not found for the segment '${segment}'.`, path);
      assert.deepEqual(Object.keys(unknown.json.error.innerError), ['date', 'request-id', 'client-request-id']);
    }
  });

  it("listing other users' data needs an active PIM admin role or an app token", async () => {
    const path = `${RM}/roleEligibilityScheduleInstances?$filter=principalId eq '${DEMO_USERS.alice.id}'&$top=10`;
    const denied = await call(t, 'GET', path, { token: erin() });
    assert.equal(denied.status, 403);
    assert.equal(denied.json.error.code, 'Authorization_RequestDenied');
    const admin = await call(t, 'GET', path, { token: carol() });
    assert.equal(admin.status, 200);
    assert.equal(admin.json.value.length, 3);
  });

  it('reads the role policy with $expand=policy($expand=rules) and requires the scope filter', async () => {
    const filter = encodeURIComponent(
      `scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '${DEMO_ROLES.userAdministrator.id}'`,
    );
    const r = await call(t, 'GET', `/v1.0/policies/roleManagementPolicyAssignments?$filter=${filter}&$expand=policy($expand=rules)`, {
      token: alice(),
    });
    assert.equal(r.status, 200);
    assert.equal(r.json['@odata.context'], `${t.url}/v1.0/$metadata#policies/roleManagementPolicyAssignments(policy(rules()))`);
    interface Rule {
      id: string;
      maximumDuration?: string;
      enabledRules?: string[];
      setting?: { isApprovalRequired: boolean; approvalStages: Array<{ primaryApprovers: Array<{ groupId: string }> }> };
    }
    const rules = r.json.value[0].policy.rules as Rule[];
    assert.equal(rules.length, 17);
    assert.equal(rules.find((x) => x.id === 'Expiration_EndUser_Assignment')!.maximumDuration, 'PT4H');
    assert.deepEqual(rules.find((x) => x.id === 'Enablement_EndUser_Assignment')!.enabledRules, ['Justification', 'Ticketing']);
    const approval = rules.find((x) => x.id === 'Approval_EndUser_Assignment')!.setting!;
    assert.equal(approval.isApprovalRequired, true);
    assert.equal(approval.approvalStages[0].primaryApprovers[0].groupId, DEMO_GROUPS.pimApprovers.id);
    const missing = await call(t, 'GET', `/v1.0/policies/roleManagementPolicyAssignments?$filter=${encodeURIComponent("scopeId eq '/'")}`, {
      token: alice(),
    });
    assert.equal(missing.status, 400);
  });

  it('serves users, /me, groups and group members', async () => {
    const users = await call(t, 'GET', '/v1.0/users', { token: alice() });
    assert.equal(users.json['@odata.nextLink'] !== undefined, true);
    const bob = await call(t, 'GET', `/v1.0/users/${DEMO_USERS.bob.userPrincipalName}`, { token: alice() });
    assert.equal(bob.json.id, DEMO_USERS.bob.id);
    const members = await call(t, 'GET', `/v1.0/groups/${DEMO_GROUPS.pimApprovers.id}/members?$top=10`, { token: alice() });
    assert.deepEqual(
      members.json.value.map((m: { id: string }) => m.id),
      [DEMO_USERS.bob.id, DEMO_USERS.dave.id],
    );
    assert.equal(members.json.value[0]['@odata.type'], '#microsoft.graph.user');
    const group = await call(t, 'GET', `/v1.0/groups/${DEMO_GROUPS.pimApprovers.id}`, { token: alice() });
    assert.equal(group.json.displayName, 'PIM Approvers');
    const appMe = await call(t, 'GET', '/v1.0/me', { token: await appToken(t) });
    assert.equal(appMe.status, 400);
  });

  it('injects faults: 429 with Retry-After, 503, latency; and logs requests with the caller', async () => {
    t.requestLog.clear();
    t.faults.add({ kind: 'throttle', retryAfterSeconds: 3, path: /roleDefinitions/, count: 1 });
    const throttled = await call(t, 'GET', `${RM}/roleDefinitions`, { token: alice() });
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers.get('retry-after'), '3');
    assert.equal((await call(t, 'GET', `${RM}/roleDefinitions`, { token: alice() })).status, 200);
    t.faults.add({ kind: 'unavailable', method: 'GET', path: '^/v1\\.0/me$' });
    assert.equal((await call(t, 'GET', '/v1.0/me', { token: alice() })).status, 503);
    t.faults.clear();
    t.faults.add({ kind: 'latency', latencyMs: 50, count: 1 });
    const started = Date.now();
    assert.equal((await call(t, 'GET', '/v1.0/me', { token: alice() })).status, 200);
    assert.ok(Date.now() - started >= 45);
    const log = t.requestLog.entries();
    assert.equal(log.length, 4);
    assert.deepEqual(
      log.map((e) => e.status),
      [429, 200, 503, 200],
    );
    assert.equal(log[1]!.caller, DEMO_USERS.alice.id);
  });
});

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
