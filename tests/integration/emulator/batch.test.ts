// Graph JSON batching ($batch) in the emulator, through the real Graph SDK's BatchRequestContent /
// BatchResponseContent and raw HTTPS for the exact error answers: up to 20 requests, each answered
// by id, authorised with the outer token per inner request, dependsOn honoured (424 after a failed
// dependency), and each inner request logged as one request (Graph throttling counts them so).
import assert from 'node:assert/strict';
import { BatchRequestContent, BatchResponseContent, Client, type AuthenticationProvider } from '@microsoft/microsoft-graph-client';
import type { TenantEmulator } from '../../../emulator/tenant';
import { DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { startTestTenant } from '../../../emulator/stack/tenant';
import { activationBody, call, RM } from './http';

const ELIGIBLE = "/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')?$expand=roleDefinition";
const ACTIVE = "/roleManagement/directory/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')";
const OTHERS = `/roleManagement/directory/roleEligibilityScheduleInstances?$filter=principalId eq '${DEMO_USERS.carol.id}'`;

describe('emulator Graph JSON batching ($batch)', () => {
  let t: TenantEmulator;
  const alice = () => t.tokens.user({ userId: DEMO_USERS.alice.id });
  const client = (token: () => string): Client => {
    const authProvider: AuthenticationProvider = { getAccessToken: async () => token() };
    return Client.initWithMiddleware({ authProvider, baseUrl: `${t.url}/`, customHosts: new Set(['localhost']), defaultVersion: 'v1.0' });
  };
  const step = (id: string, url: string, init: RequestInit = {}, dependsOn?: string[]) => ({
    id,
    request: new Request(`https://localhost${url}`, init),
    ...(dependsOn ? { dependsOn } : {}),
  });

  before(async () => {
    t = await startTestTenant();
  });
  after(() => t.close());
  afterEach(async () => {
    t.faults.clear();
    await t.reset();
  });

  it('answers independent reads and a create by id, as the caller, each logged once and the batch not at all', async () => {
    const content = new BatchRequestContent([
      step('eligible', ELIGIBLE),
      step('active', ACTIVE),
      step('others', OTHERS),
      step('create', `${RM.replace('/v1.0', '')}/roleAssignmentScheduleRequests`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(activationBody(DEMO_USERS.alice.id, DEMO_ROLES.globalReader.id)),
      }),
    ]);
    t.requestLog.clear();
    const raw = await client(alice)
      .api('/$batch')
      .post(await content.getContent());
    const responses = new BatchResponseContent(raw);
    const eligible = responses.getResponseById('eligible')!;
    assert.equal(eligible.status, 200);
    const names = ((await eligible.json()) as { value: Array<{ roleDefinition: { displayName: string } }> }).value
      .map((v) => v.roleDefinition.displayName)
      .sort();
    assert.deepEqual(names, ['Global Reader', 'Security Administrator', 'User Administrator']);
    assert.equal(responses.getResponseById('active')!.status, 200);
    // Authorised per inner request with the outer token: Alice may not list Carol's eligibilities.
    const others = responses.getResponseById('others')!;
    assert.equal(others.status, 403);
    assert.equal(((await others.json()) as { error: { code: string } }).error.code, 'Authorization_RequestDenied');
    const created = responses.getResponseById('create')!;
    assert.equal(created.status, 201);
    assert.equal(((await created.json()) as { status: string }).status, 'Provisioned');
    assert.equal(t.state.activeAssignments(DEMO_USERS.alice.id).length, 1, 'the inner create was carried out');

    const log = t.requestLog.entries();
    assert.equal(log.length, 4, log.map((e) => `${e.method} ${e.path}`).join('\n'));
    assert.ok(log.every((e) => e.caller === DEMO_USERS.alice.id && e.path.startsWith('/v1.0/roleManagement/')));
    assert.ok(!log.some((e) => e.path.includes('$batch')));
    assert.deepEqual(log.map((e) => e.status).sort(), [200, 200, 201, 403]);
  });

  it('a failed dependency answers 424 without running the dependent request; beta batches resolve against beta', async () => {
    const body = {
      requests: [
        { id: '1', method: 'GET', url: OTHERS },
        {
          id: '2',
          method: 'POST',
          url: '/roleManagement/directory/roleAssignmentScheduleRequests',
          dependsOn: ['1'],
          headers: { 'Content-Type': 'application/json' },
          body: activationBody(DEMO_USERS.alice.id, DEMO_ROLES.globalReader.id),
        },
        { id: '3', method: 'GET', url: ACTIVE, dependsOn: ['1'] },
      ],
    };
    t.requestLog.clear();
    const r = await call(t, 'POST', '/beta/$batch', { token: alice(), body });
    assert.equal(r.status, 200);
    const byId = Object.fromEntries((r.json.responses as Array<{ id: string; status: number }>).map((x) => [x.id, x.status]));
    assert.deepEqual(byId, { '1': 403, '2': 424, '3': 424 });
    assert.equal(t.state.activeAssignments(DEMO_USERS.alice.id).length, 0, 'the dependent create never ran');
    assert.deepEqual(
      t.requestLog.entries().map((e) => e.path),
      ['/beta/roleManagement/directory/roleEligibilityScheduleInstances'],
    );
  });

  it('a throttled inner request gets its own 429 with Retry-After; the others are answered', async () => {
    t.faults.add({ kind: 'throttle', retryAfterSeconds: 7, path: /roleAssignmentScheduleInstances/ });
    const r = await call(t, 'POST', '/v1.0/$batch', {
      token: alice(),
      body: {
        requests: [
          { id: 'a', method: 'GET', url: ELIGIBLE },
          { id: 'b', method: 'GET', url: ACTIVE },
        ],
      },
    });
    assert.equal(r.status, 200);
    const b = (r.json.responses as Array<{ id: string; status: number; headers: Record<string, string> }>).find((x) => x.id === 'b')!;
    assert.equal(b.status, 429);
    assert.equal(b.headers['retry-after'], '7');
    assert.equal((r.json.responses as Array<{ id: string; status: number }>).find((x) => x.id === 'a')!.status, 200);
  });

  it('refuses malformed batches whole (400) and an unauthenticated one (401), running nothing', async () => {
    const get = (id: string) => ({ id, method: 'GET', url: ACTIVE });
    const cases: Array<[string, unknown, RegExp]> = [
      ['21 requests', { requests: Array.from({ length: 21 }, (_, i) => get(String(i))) }, /maximum of 20/],
      ['a repeated id (ids are case-insensitive)', { requests: [get('a'), get('A')] }, /unique/],
      ['an absolute url', { requests: [{ id: '1', method: 'GET', url: `${t.url}/v1.0/me` }] }, /relative/],
      [
        'a body without Content-Type',
        { requests: [{ id: '1', method: 'POST', url: '/roleManagement/directory/roleAssignmentScheduleRequests', body: {} }] },
        /Content-Type/,
      ],
      ['a dependency that does not come first', { requests: [{ ...get('1'), dependsOn: ['2'] }, get('2')] }, /depends on/],
      ['no requests', { requests: [] }, /requests/],
    ];
    t.requestLog.clear();
    for (const [what, body, message] of cases) {
      const r = await call(t, 'POST', '/v1.0/$batch', { token: alice(), body });
      assert.equal(r.status, 400, what);
      assert.equal(r.json.error.code, 'BadRequest', what);
      assert.match(r.json.error.message, message, what);
    }
    const anonymous = await call(t, 'POST', '/v1.0/$batch', { body: { requests: [get('1')] } });
    assert.equal(anonymous.status, 401);
    assert.deepEqual(t.requestLog.entries(), [], 'nothing inside a refused batch ran');
  });
});
