// For every audit example in ../shared/contracts: the emulator's directoryAudits answer Microsoft's
// example requests with the example's shape. The entries are the PIM ones the emulator records.
import assert from 'node:assert/strict';
import type { TenantEmulator } from '../../emulator/tenant';
import { DEMO_ROLES, DEMO_USERS } from '../../emulator/tenant/demoTenant';
import { assertSameShape, loadExamplePairs } from '../support/shape';
import { startTestTenant } from '../../emulator/stack/tenant';
import { activationBody, call, RM } from '../integration/emulator/http';

describe('contract: emulator answers Microsoft directoryAudits examples with the same shape', () => {
  const pairs = loadExamplePairs('audit');
  let t: TenantEmulator;
  let alice: string;
  before(async () => {
    t = await startTestTenant();
  });
  after(() => t.close());
  beforeEach(async () => {
    // Alice activates Global Reader: an audit entry, and a role that may read audit logs.
    alice = t.tokens.user({ userId: DEMO_USERS.alice.id });
    const r = await call(t, 'POST', `${RM}/roleAssignmentScheduleRequests`, {
      token: alice,
      body: activationBody(DEMO_USERS.alice.id, DEMO_ROLES.globalReader.id),
    });
    assert.equal(r.status, 201, JSON.stringify(r.json));
  });
  afterEach(() => t.reset());

  it('every example has a case', () => {
    assert.deepEqual(pairs.map((p) => p.op).sort(), ['directoryAudits.list', 'directoryAudits.list.filter-initiatedBy']);
  });

  it("directoryAudits.list (as Alice with Global Reader active; the older example writes 'Type' and omits fields, so extra fields are allowed and 'Type' is read as 'type'; groupType/userPrincipalName may be null on targets they do not apply to)", async () => {
    const ex = pairs.find((p) => p.op === 'directoryAudits.list')!;
    const r = await call(t, 'GET', ex.request.url.replace('https://graph.microsoft.com', t.url), { token: alice });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.ok(r.json.value.length > 0);
    const example = JSON.parse(JSON.stringify(ex.response).replace(/"Type":/g, '"type":'));
    // That example fills groupType and userPrincipalName on targets where they apply; Graph writes null elsewhere.
    assertSameShape(example, r.json, '$', { allowExtraFields: true, nullableFields: ['groupType', 'userPrincipalName'] });
  });

  it('directoryAudits.list.filter-initiatedBy (initiatedBy/user/id → Alice)', async () => {
    const ex = pairs.find((p) => p.op === 'directoryAudits.list.filter-initiatedBy')!;
    const url = ex.request.url
      .replace('https://graph.microsoft.com', t.url)
      .replace('00000000-0000-0000-0000-000000000000', DEMO_USERS.alice.id);
    const r = await call(t, 'GET', url, { token: alice });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.value.length, 1);
    assertSameShape(ex.response, r.json);
    const [entry] = r.json.value;
    assert.equal(entry.activityDisplayName, 'Add member to role completed (PIM activation)');
    assert.equal(entry.loggedByService, 'PIM');
    assert.equal(entry.category, 'RoleManagement');
    assert.equal(entry.initiatedBy.user.id, DEMO_USERS.alice.id);
    assert.deepEqual(
      entry.targetResources.map((x: { type: string }) => x.type),
      ['Role', 'User', 'Request'],
    );
    assert.equal(entry.targetResources[0].displayName, 'Global Reader');
  });
});
