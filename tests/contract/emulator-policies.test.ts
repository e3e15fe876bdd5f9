// For every policies example in ../shared/contracts: Microsoft's example request against the emulator,
// answered with the same fields and JSON types as Microsoft's example response.
import assert from 'node:assert/strict';
import type { TenantEmulator } from '../../emulator/tenant';
import { DEMO_GROUPS, DEMO_ROLES, DEMO_USERS } from '../../emulator/tenant/demoTenant';
import { assertSameShape, loadExamplePairs, type ExamplePair } from '../support/shape';
import { startTestTenant } from '../../emulator/stack/tenant';
import { call, type Reply } from '../integration/emulator/http';

const EXAMPLE_GROUP = '60bba733-f09d-49b7-8445-32369aa066b3';
const EXAMPLE_APPROVER_USER = '10a08e2e-3ea2-4ce0-80cb-d5fdd4b05ea6';
const EXAMPLE_APPROVER_GROUP = '14f2746d-7d6f-4ac6-acd8-8cac318b041b';

function send(t: TenantEmulator, ex: ExamplePair, token: string, ids: Record<string, string> = {}): Promise<Reply> {
  const map = (s: string) => Object.entries(ids).reduce((acc, [from, to]) => acc.split(from).join(to), s);
  const url = map(ex.request.url).replace('https://graph.microsoft.com', t.url);
  const body = ex.request.body === null ? undefined : JSON.parse(map(JSON.stringify(ex.request.body)));
  return call(t, ex.request.method, url, { token, body });
}

/** The demo tenant's policy id for a directory role. */
function policyIdOf(t: TenantEmulator, roleId: string): string {
  return t.state.data.policyAssignments.find((a) => a.scopeType === 'DirectoryRole' && a.roleDefinitionId === roleId)!.policyId;
}

describe('contract: emulator answers Microsoft policies examples with the same shape', () => {
  const pairs = loadExamplePairs('policies');
  let t: TenantEmulator;
  before(async () => {
    t = await startTestTenant();
  });
  after(() => t.close());
  afterEach(() => t.reset());

  const alice = () => t.tokens.user({ userId: DEMO_USERS.alice.id });
  const carol = () => t.tokens.user({ userId: DEMO_USERS.carol.id });

  const reads = pairs.filter((p) => p.request.method === 'GET');
  const patches = pairs.filter((p) => p.request.method === 'PATCH');

  it('every example is a GET or a rule PATCH, and all are covered below', () => {
    assert.equal(reads.length + patches.length, pairs.length);
    assert.ok(reads.length >= 5 && patches.length >= 6);
  });

  for (const ex of reads) {
    const group = ex.request.url.includes(EXAMPLE_GROUP);
    it(`${ex.op} (as Alice${group ? "; the example's group → SRE On-Call, the demo tenant's PIM group" : ''})`, async () => {
      const r = await send(t, ex, alice(), { [EXAMPLE_GROUP]: DEMO_GROUPS.sreOnCall.id });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.ok(r.json.value.length > 0, 'the emulator must return items to compare');
      assertSameShape(ex.response, r.json);
    });
  }

  for (const ex of patches) {
    const ruleId = ex.request.url.slice(ex.request.url.lastIndexOf('/') + 1);
    it(`${ex.op} → 204 and the rule reads back changed (as Carol; the example's policy → Global Administrator's; example approvers → Bob and PIM Approvers)`, async () => {
      const examplePolicy = /roleManagementPolicies\/([^/]+)\/rules/.exec(ex.request.url)![1]!;
      const policyId = policyIdOf(t, DEMO_ROLES.globalAdministrator.id);
      const r = await send(t, ex, carol(), {
        [examplePolicy]: policyId,
        [EXAMPLE_APPROVER_USER]: DEMO_USERS.bob.id,
        [EXAMPLE_APPROVER_GROUP]: DEMO_GROUPS.pimApprovers.id,
      });
      assert.equal(r.status, 204, JSON.stringify(r.json));
      assert.equal(r.json, ex.response);
      const back = await call(t, 'GET', `/v1.0/policies/roleManagementPolicies/${policyId}/rules/${ruleId}`, { token: alice() });
      assert.equal(back.status, 200);
      const sent = ex.request.body as Record<string, unknown>;
      for (const k of ['isExpirationRequired', 'maximumDuration', 'enabledRules']) {
        if (k in sent) assert.deepEqual(back.json[k], sent[k], k);
      }
      if ('setting' in sent)
        assert.equal(back.json.setting.isApprovalRequired, (sent.setting as { isApprovalRequired: boolean }).isApprovalRequired);
      // The PATCHed rule keeps the shape of the rules Microsoft's policy example shows.
      const expanded = loadExamplePairs('policies').find(
        (p) => p.op === 'roleManagementPolicyAssignments.list.directoryRole.expand-policy-rules',
      )!;
      const exampleRule = (expanded.response as { value: { policy: { rules: { id: string }[] } }[] }).value[0]!.policy.rules.find(
        (x) => x.id === ruleId,
      );
      const { '@odata.context': _ctx, ...rule } = back.json as Record<string, unknown>;
      void _ctx;
      assertSameShape(exampleRule, rule);
    });
  }

  it('PATCH of a rule is refused to a user without an active PIM admin role, and to a body without the @odata.type', async () => {
    const ex = patches[0]!;
    const examplePolicy = /roleManagementPolicies\/([^/]+)\/rules/.exec(ex.request.url)![1]!;
    const ids = { [examplePolicy]: policyIdOf(t, DEMO_ROLES.globalAdministrator.id) };
    assert.equal((await send(t, ex, alice(), ids)).status, 403);
    const url = ex.request.url.split(examplePolicy).join(ids[examplePolicy]!).replace('https://graph.microsoft.com', t.url);
    const { '@odata.type': _type, ...untyped } = ex.request.body as Record<string, unknown>;
    void _type;
    assert.equal((await call(t, 'PATCH', url, { token: carol(), body: untyped })).status, 400);
  });
});
