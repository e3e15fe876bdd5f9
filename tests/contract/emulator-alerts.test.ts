// For every alerts example in ../shared/contracts: send Microsoft's example request to the emulator (the
// example tenant's id mapped onto the demo tenant's) and compare the answer's shape with Microsoft's.
import assert from 'node:assert/strict';
import type { TenantEmulator } from '../../emulator/tenant';
import { DEMO_ROLES, DEMO_USERS } from '../../emulator/tenant/demoTenant';
import { assertSameShape, loadExamplePairs, type ExamplePair } from '../support/shape';
import { startTestTenant } from '../../emulator/stack/tenant';
import { call, RM, type Reply } from '../integration/emulator/http';

const EXAMPLE_TENANTS = ['19356be4-7e93-4ed6-a7c6-0ae28454d125', '67b47f38-0f0b-4e62-a3be-859140c2061f'];
const TOO_MANY_GA = 'TooManyGlobalAdminsAssignedToTenantAlert';

function send(t: TenantEmulator, ex: ExamplePair, token: string): Promise<Reply> {
  const map = (s: string) => EXAMPLE_TENANTS.reduce((acc, id) => acc.split(id).join(t.tenantId), s);
  return call(t, ex.request.method, map(ex.request.url).replace('https://graph.microsoft.com', t.url), {
    token,
    body: ex.request.body ?? undefined,
  });
}

/** Carol (Privileged Role Administrator) makes every demo user a Global Administrator, then PIM rescans. */
async function everyoneGlobalAdmin(t: TenantEmulator, carol: string): Promise<void> {
  for (const u of Object.values(DEMO_USERS)) {
    const r = await call(t, 'POST', `${RM}/roleAssignmentScheduleRequests`, {
      token: carol,
      body: {
        action: 'adminAssign',
        principalId: u.id,
        roleDefinitionId: DEMO_ROLES.globalAdministrator.id,
        directoryScopeId: '/',
        justification: 'contract test',
        scheduleInfo: { expiration: { type: 'noExpiration' } },
      },
    });
    assert.equal(r.status, 201, JSON.stringify(r.json));
  }
  const refresh = await call(t, 'POST', '/beta/identityGovernance/roleManagementAlerts/alerts/refresh', {
    token: carol,
    body: { scopeId: '/', scopeType: 'DirectoryRole' },
  });
  assert.equal(refresh.status, 202);
}

describe('contract: emulator answers Microsoft PIM alerts examples with the same shape', () => {
  const pairs = loadExamplePairs('alerts');
  let t: TenantEmulator;
  let carol: string;
  before(async () => {
    t = await startTestTenant();
  });
  after(() => t.close());
  beforeEach(() => {
    carol = t.tokens.user({ userId: DEMO_USERS.carol.id });
  });
  afterEach(() => t.reset());

  it('every example has a case', () => {
    assert.deepEqual(pairs.map((p) => p.op).sort(), [
      'alertIncidents.list.top5',
      'alerts.list.expand',
      'alerts.refresh.all',
      'alerts.refresh.single',
    ]);
  });

  it('alerts.list.expand (as Carol, with too many Global Administrators; the example shows one alert, compared with ours of the same kind)', async () => {
    await everyoneGlobalAdmin(t, carol);
    const ex = pairs.find((p) => p.op === 'alerts.list.expand')!;
    const r = await send(t, ex, carol);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const same = r.json.value.filter((a: { id: string }) => a.id.endsWith(`_${TOO_MANY_GA}`));
    assert.equal(same.length, 1);
    assert.equal(same[0].incidentCount, Object.keys(DEMO_USERS).length);
    assertSameShape(ex.response, { ...r.json, value: same });
    // Every other alert has the same alert and definition fields (configurations and incidents differ by kind).
    const example = (ex.response as { value: Record<string, unknown>[] }).value[0]!;
    const { alertConfiguration: _c, alertIncidents: _i, 'alertIncidents@odata.context': _x, ...base } = example;
    for (const alert of r.json.value) {
      const { alertConfiguration, alertIncidents, 'alertIncidents@odata.context': context, ...rest } = alert;
      assertSameShape(base, rest);
      assert.match(alertConfiguration['@odata.type'], /^#microsoft\.graph\.\w+AlertConfiguration$/);
      assert.ok(Array.isArray(alertIncidents) && typeof context === 'string');
    }
  });

  it('alertIncidents.list.top5 (six Global Administrators: five and a @odata.nextLink to the sixth)', async () => {
    await everyoneGlobalAdmin(t, carol);
    const ex = pairs.find((p) => p.op === 'alertIncidents.list.top5')!;
    const r = await send(t, ex, carol);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assertSameShape(ex.response, r.json);
    assert.equal(r.json.value.length, 5);
    const next = await call(t, 'GET', r.json['@odata.nextLink'], { token: carol });
    assert.equal(next.status, 200);
    assert.equal(next.json.value.length, 1);
    assert.equal(next.json['@odata.nextLink'], undefined);
  });

  for (const op of ['alerts.refresh.all', 'alerts.refresh.single']) {
    it(`${op} (as Carol: 202, no body, Location of a finished operation)`, async () => {
      const ex = pairs.find((p) => p.op === op)!;
      const r = await send(t, ex, carol);
      assert.equal(r.status, 202, JSON.stringify(r.json));
      assert.equal(r.json, null);
      const location = r.headers.get('location') ?? '';
      assert.match(location, /\/beta\/identityGovernance\/roleManagementAlerts\/operations\/[0-9a-f-]{36}$/);
      const op2 = await call(t, 'GET', location, { token: carol });
      assert.equal(op2.status, 200);
      assert.equal(op2.json.status, 'succeeded');
      for (const field of ['id', 'createdDateTime', 'lastActionDateTime', 'resourceLocation', 'status'])
        assert.equal(typeof op2.json[field], 'string', field);
    });
  }

  it('refuses a list without the required scope filter, and users without an active PIM admin role', async () => {
    const noFilter = await call(t, 'GET', '/beta/identityGovernance/roleManagementAlerts/alerts', { token: carol });
    assert.equal(noFilter.status, 400);
    const erin = await call(
      t,
      'GET',
      "/beta/identityGovernance/roleManagementAlerts/alerts?$filter=scopeId eq '/' and scopeType eq 'DirectoryRole'",
      { token: t.tokens.user({ userId: DEMO_USERS.erin.id }) },
    );
    assert.equal(erin.status, 403);
    const refresh = await call(t, 'POST', '/beta/identityGovernance/roleManagementAlerts/alerts/refresh', {
      token: carol,
      body: { scopeId: '/subscriptions/x', scopeType: 'DirectoryRole' },
    });
    assert.equal(refresh.status, 400);
  });
});
